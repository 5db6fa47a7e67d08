using Microsoft.Extensions.Logging;

namespace TlsBroker.Server.Logging;

/// <summary>
/// The broker's log events (category TlsBroker.Server.Sessions), with stable EventIds. They name
/// the session, the policy, the server and the outcome; never plaintext, records or key material.
/// </summary>
internal static partial class BrokerLog
{
    [LoggerMessage(EventId = 1, EventName = "SessionStarted", Level = LogLevel.Information,
        Message = "Session {SessionId} started: policy {Policy}, server {ServerName}")]
    public static partial void SessionStarted(ILogger logger, string sessionId, string policy, string serverName);

    [LoggerMessage(EventId = 2, EventName = "SessionEstablished", Level = LogLevel.Information,
        Message = "Session {SessionId} established: {ProtocolVersion} {CipherSuite} {Group}, ALPN {Alpn}, resumed {Resumed}, in {DurationMs} ms")]
    public static partial void SessionEstablished(
        ILogger logger, string sessionId, string protocolVersion, string cipherSuite, string group, string alpn, bool resumed, double durationMs);

    [LoggerMessage(EventId = 3, EventName = "SessionFailed", Level = LogLevel.Warning,
        Message = "Session {SessionId} failed: policy {Policy}, server {ServerName}, {SslError}, verify {VerifyCode} ({VerifyName}), alert {Alert}: {Reason}")]
    public static partial void SessionFailed(
        ILogger logger, string sessionId, string policy, string serverName, string sslError, int verifyCode, string verifyName, string alert, string reason);

    [LoggerMessage(EventId = 4, EventName = "SessionClosed", Level = LogLevel.Information,
        Message = "Session {SessionId} closed: {Outcome}")]
    public static partial void SessionClosed(ILogger logger, string sessionId, string outcome);

    [LoggerMessage(EventId = 5, EventName = "CallRejected", Level = LogLevel.Warning,
        Message = "Session {SessionId} rejected with {StatusCode}: {Detail}")]
    public static partial void CallRejected(ILogger logger, string sessionId, string statusCode, string detail);

    [LoggerMessage(EventId = 6, EventName = "PolicyLoaded", Level = LogLevel.Information,
        Message = "Policy {Policy} loaded, trusting {TrustAnchors}")]
    public static partial void PolicyLoaded(ILogger logger, string policy, string trustAnchors);

    [LoggerMessage(EventId = 7, EventName = "Listening", Level = LogLevel.Information,
        Message = "TlsBroker listening on {Address} (gRPC, {Transport}), admin {AdminAddress} (HTTP/1.1 /metrics, /healthz), at most {MaxSessions} sessions")]
    public static partial void Listening(ILogger logger, Uri address, string transport, string adminAddress, int maxSessions);

    [LoggerMessage(EventId = 8, EventName = "DrainStarted", Level = LogLevel.Information,
        Message = "Shutting down: no new sessions; {Sessions} live session(s) get up to {DrainTimeout} to finish")]
    public static partial void DrainStarted(ILogger logger, int sessions, TimeSpan drainTimeout);

    [LoggerMessage(EventId = 9, EventName = "DrainEnded", Level = LogLevel.Information,
        Message = "Drain over after {ElapsedMs} ms: {Ending} session(s) still live are ended with UNAVAILABLE")]
    public static partial void DrainEnded(ILogger logger, double elapsedMs, int ending);

    [LoggerMessage(EventId = 40, EventName = "ResumptionTokenRejected", Level = LogLevel.Information,
        Message = "Session {SessionId} resumption token not used ({Reason}): full handshake")]
    public static partial void ResumptionTokenRejected(ILogger logger, string sessionId, string reason);

    [LoggerMessage(EventId = 460, EventName = "ResumptionTokenNotResumed", Level = LogLevel.Information,
        Message = "Session {SessionId} resumption token opened but not resumed with ({Reason}): full handshake")]
    public static partial void ResumptionTokenNotUsed(ILogger logger, string sessionId, string reason);

    [LoggerMessage(EventId = 41, EventName = "ResumptionOn", Level = LogLevel.Information,
        Message = "Resumption tokens on: sealing with key {KeyId}, {KeyCount} key(s) accepted, lifetime {TokenLifetime}")]
    public static partial void ResumptionOn(ILogger logger, string keyId, int keyCount, TimeSpan tokenLifetime);

    [LoggerMessage(EventId = 42, EventName = "ResumptionOff", Level = LogLevel.Information,
        Message = "Resumption tokens off: {Why}")]
    public static partial void ResumptionOff(ILogger logger, string why);

    [LoggerMessage(EventId = 440, EventName = "KeysExported", Level = LogLevel.Information,
        Message = "Session {SessionId} keys exported to caller {Caller} under policy {Policy} ({TlsVersion} {CipherSuite}): the caller runs the record layer")]
    public static partial void KeysExported(ILogger logger, string sessionId, string caller, string policy, string tlsVersion, string cipherSuite);

    [LoggerMessage(EventId = 441, EventName = "KeyExportRefused", Level = LogLevel.Information,
        Message = "Session {SessionId} key export refused for caller {Caller} under policy {Policy}: {Reason}")]
    public static partial void KeyExportRefused(ILogger logger, string sessionId, string caller, string policy, string reason);

    [LoggerMessage(EventId = 100, EventName = "PolicyWarning", Level = LogLevel.Warning,
        Message = "Policy {Policy}: {Warning}")]
    public static partial void PolicyWarning(ILogger logger, string policy, string warning);

    [LoggerMessage(EventId = 101, EventName = "ClientIdentityLoaded", Level = LogLevel.Information,
        Message = "Policy {Policy} presents the client certificate {Subject} ({KeyAlgorithm}, {CertificateCount} certificate(s)) when a server asks for one")]
    public static partial void ClientIdentityLoaded(ILogger logger, string policy, string subject, string keyAlgorithm, int certificateCount);

    [LoggerMessage(EventId = 102, EventName = "PinsConfigured", Level = LogLevel.Information,
        Message = "Policy {Policy} accepts only server paths with one of {PinCount} pinned key(s)")]
    public static partial void PinsConfigured(ILogger logger, string policy, int pinCount);

    [LoggerMessage(EventId = 430, EventName = "ValidationTimeOverrideAllowed", Level = LogLevel.Warning,
        Message = "Broker:AllowValidationTimeOverride is true (for tests only): policies with a fixed ValidationTime verify server chains at it, not at the clock's time: {Policies}")]
    public static partial void ValidationTimeOverrideAllowed(ILogger logger, string policies);
}
