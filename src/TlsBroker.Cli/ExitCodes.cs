namespace TlsBroker.Cli;

/// <summary>The process exit codes of <c>tlsbroker</c>, one per kind of outcome (documented in README and in --help).</summary>
internal static class ExitCodes
{
    /// <summary>Handshake completed, server verified, and the server ended the session (close_notify or TCP close).</summary>
    public const int Success = 0;

    /// <summary>An unexpected error inside tlsbroker itself (a bug); System.CommandLine's handler prints it.</summary>
    public const int InternalError = 1;

    /// <summary>verify: the chain was rejected (the number openssl-style tools use for "not verified"; verify has no internal-error code of its own).</summary>
    public const int VerifyRejected = 1;

    /// <summary>The command line is wrong: unknown option, bad HOST:PORT, bad URL, bad number.</summary>
    public const int Usage = 2;

    /// <summary>The TCP connection to the server could not be opened, or it failed.</summary>
    public const int ServerUnreachable = 3;

    /// <summary>The broker could not be reached or answered with a gRPC error.</summary>
    public const int BrokerError = 4;

    /// <summary>TLS failed: the handshake, the verification, or an error in the data phase.</summary>
    public const int TlsFailure = 5;

    /// <summary>A step took longer than --timeout.</summary>
    public const int Timeout = 6;

    /// <summary>bench: the phases ran, but some handshakes, transfers or idle sessions failed (counted in the report).</summary>
    public const int BenchFailures = 7;

    /// <summary>Interrupted by Ctrl+C or SIGTERM (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;
}
