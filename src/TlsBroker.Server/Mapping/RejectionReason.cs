namespace TlsBroker.Server.Mapping;

/// <summary>Why the broker ended a call with an error status: the <c>tlsbroker.reason</c> tag of <c>tlsbroker.calls.rejected</c>.</summary>
internal static class RejectionReason
{
    /// <summary>No or wrong credentials (UNAUTHENTICATED).</summary>
    public const string Auth = "auth";

    /// <summary>A policy or server name the caller may not use (PERMISSION_DENIED).</summary>
    public const string Policy = "policy";

    /// <summary>A per-caller or per-session limit: concurrent sessions, handshakes per second, unread responses (RESOURCE_EXHAUSTED).</summary>
    public const string Limit = "limit";

    /// <summary>A request that breaks the contract: unparsable, out of order, a bad name (INVALID_ARGUMENT).</summary>
    public const string Malformed = "malformed";

    /// <summary>The broker-wide session limit (RESOURCE_EXHAUSTED).</summary>
    public const string Capacity = "capacity";

    /// <summary>The broker is draining for shutdown (UNAVAILABLE).</summary>
    public const string Shutdown = "shutdown";

    /// <summary>The caller stayed silent or left responses unread past a timeout (DEADLINE_EXCEEDED).</summary>
    public const string Deadline = "deadline";
}
