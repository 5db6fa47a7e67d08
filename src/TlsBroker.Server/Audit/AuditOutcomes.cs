namespace TlsBroker.Server.Audit;

/// <summary>How a session ended, as the audit record and the <c>tlsbroker.outcome</c> label of <c>tlsbroker.sessions</c> name it.</summary>
internal static class AuditOutcomes
{
    /// <summary>Refused before a TLS session began (misuse, unknown or refused policy or server name, limit, no Start in time).</summary>
    public const string Rejected = "rejected";

    /// <summary>The handshake failed on certificate verification.</summary>
    public const string VerifyFailed = "verify_failed";

    /// <summary>The handshake failed otherwise (alert, bad record, the server hung up).</summary>
    public const string HandshakeFailed = "handshake_failed";

    /// <summary>Closed with close_notify (sent by the broker at the caller's Shutdown, or received from the server), and the stream ended OK.</summary>
    public const string Closed = "closed";

    /// <summary>A TLS failure after the handshake (alert, bad record, EOF without close_notify).</summary>
    public const string Failed = "failed";

    /// <summary>The stream ended before the session closed: caller gone or cancelled, a deadline, misuse.</summary>
    public const string Aborted = "aborted";
}
