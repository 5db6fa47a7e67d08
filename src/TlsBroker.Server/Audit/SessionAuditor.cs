using Microsoft.Extensions.Logging;
using TlsBroker.Server.Telemetry;

namespace TlsBroker.Server.Audit;

/// <summary>Writes each session's <see cref="AuditRecord"/> (category <see cref="Category"/>, EventId 310) and counts it in the session metrics.</summary>
internal sealed partial class SessionAuditor(ILoggerFactory loggerFactory, BrokerMetrics metrics)
{
    public const string Category = "TlsBroker.Audit";

    private readonly ILogger logger = loggerFactory.CreateLogger(Category);

    public void Write(AuditRecord record, bool policyFound)
    {
        metrics.SessionEnded(record.Caller, policyFound ? record.Policy : "none", record.Outcome, record.BytesIn, record.BytesOut, record.Duration);
        SessionAudited(
            logger, record.SessionId, record.Caller, record.Policy, record.ServerName, record.Outcome, record.Ret, record.SslError, record.Alert,
            record.VerifyCode, record.GrpcStatus, record.TlsVersion, record.CipherSuite, record.ClientCertificateSent, record.PeerLeafSha256,
            record.Resumed, record.BytesIn, record.BytesOut, record.Duration.TotalMilliseconds, record.KeysExported);
    }

    [LoggerMessage(EventId = 310, EventName = "SessionAudit", Level = LogLevel.Information,
        Message = "Session {SessionId} audit: caller {Caller}, policy {Policy}, server {ServerName}, outcome {Outcome}, ret {Ret} {SslError}, "
            + "alert {Alert}, verify {VerifyCode}, status {GrpcStatus}, {TlsVersion} {CipherSuite}, client certificate {ClientCertificateSent}, "
            + "peer sha256 {PeerLeafSha256}, resumed {Resumed}, {BytesIn} bytes in, {BytesOut} bytes out, {DurationMs} ms, keys exported {KeysExported}")]
    private static partial void SessionAudited(
        ILogger logger, string sessionId, string caller, string policy, string serverName, string outcome, int ret, string sslError, string alert,
        int verifyCode, string grpcStatus, string tlsVersion, string cipherSuite, bool clientCertificateSent, string peerLeafSha256,
        bool resumed, long bytesIn, long bytesOut, double durationMs, bool keysExported);
}
