namespace TlsBroker.Bench.Processes;

/// <summary>A child the bench needs (broker, bench-server) could not be started; the message carries its last output.</summary>
internal sealed class ChildProcessException : Exception
{
    public ChildProcessException(string message)
        : base(message)
    {
    }

    public ChildProcessException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
