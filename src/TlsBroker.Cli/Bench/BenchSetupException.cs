namespace TlsBroker.Cli.Bench;

/// <summary>The bench cannot start measuring; <see cref="ExitCode"/> says which part failed (one of <see cref="ExitCodes"/>).</summary>
internal sealed class BenchSetupException : Exception
{
    public BenchSetupException(int exitCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
    }

    public BenchSetupException()
    {
    }

    public BenchSetupException(string message)
        : base(message)
    {
    }

    public BenchSetupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int ExitCode { get; } = ExitCodes.InternalError;
}
