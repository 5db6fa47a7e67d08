using Microsoft.Extensions.Logging;

namespace TlsBroker.Server.Logging;

/// <summary>
/// Revocation events (EventIds 420-429), on the session logger: a soft-fail policy accepted a chain whose revocation
/// status could not be established. Logged once per session, with the verify number and OpenSSL-style reason (names
/// of certificates, never responses' or keys' bytes).
/// </summary>
internal static partial class RevocationLog
{
    [LoggerMessage(EventId = 420, EventName = "RevocationUnverified", Level = LogLevel.Warning,
        Message = "Session {SessionId} established under soft-fail revocation without a revocation status: policy {Policy}, server {ServerName}, verify {VerifyCode} ({VerifyName}) at depth {Depth}: {Reason}")]
    public static partial void RevocationUnverified(
        ILogger logger, string sessionId, string policy, string serverName, int verifyCode, string verifyName, int depth, string reason);
}
