namespace TlsBroker.Bench;

/// <summary>The bench cannot start measuring; <see cref="Failure"/> says which part failed.</summary>
internal sealed class BenchSetupException : Exception
{
    public BenchSetupException(BenchSetupFailure failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
    }

    public BenchSetupFailure Failure { get; }
}
