namespace TlsBroker.Bench.Paths;

/// <summary>
/// A TLS session on the engine path ended in an SSL error, or a resumed handshake was a full one: a
/// failure of that handshake, reported in the bench's failure count.
/// </summary>
internal sealed class BenchTlsException : Exception
{
    public BenchTlsException(string message)
        : base(message)
    {
    }
}
