namespace TlsBroker.Cli.Bench;

/// <summary>The bench cannot start measuring; <see cref="ExitCode"/> says which part failed (one of <see cref="ExitCodes"/>).</summary>
internal sealed class BenchSetupException : Exception
{
    public BenchSetupException(int exitCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
    }

    public int ExitCode { get; }
}
