namespace TlsBroker.Cli.Bench.Paths;

/// <summary>A TLS session on the engine path ended in an SSL error (a peer failure, reported as the bench's failure count).</summary>
internal sealed class BenchTlsException : Exception
{
    public BenchTlsException(string message)
        : base(message)
    {
    }
}
