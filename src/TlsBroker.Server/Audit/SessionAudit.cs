using System.Security.Cryptography;
using Grpc.Core;
using TlsBroker.Core.Engine;
using TlsBroker.Core.Results;
using TlsBroker.Server.Mapping;
using TlsBroker.Server.Telemetry;

namespace TlsBroker.Server.Audit;

/// <summary>
/// Collects what one Connect stream did, for its <see cref="AuditRecord"/>: what was asked, the
/// TLS results, the bytes each way and how the stream ended. Holds no plaintext and no key.
/// Its <see cref="SessionTrace"/> follows the same steps as spans.
/// </summary>
internal sealed class SessionAudit(TimeProvider timeProvider)
{
    private readonly long startTimestamp = timeProvider.GetTimestamp();
    private readonly SessionTrace trace = new();
    private (int Ret, SslError Error)? lastAnswer;
    private StepResult? failure;
    private HandshakeSummary? established;
    private bool started;
    private bool failedAfterHandshake;
    private StatusCode status = StatusCode.OK;

    public string Policy { get; private set; } = string.Empty;

    public string ServerName { get; private set; } = string.Empty;

    /// <summary>The requested policy name until a policy is found, so a refused name is recorded; metrics use only found names.</summary>
    public bool PolicyFound { get; private set; }

    /// <summary>TLS bytes the caller forwarded from the server (Received).</summary>
    public long BytesIn { get; private set; }

    /// <summary>TLS bytes the broker gave the caller to send to the server (records_to_send).</summary>
    public long BytesOut { get; private set; }

    public void Requested(string policy, string serverName)
    {
        Policy = policy;
        ServerName = serverName;
    }

    public void Started(string policy)
    {
        Policy = policy;
        PolicyFound = true;
        started = true;
        trace.HandshakeStarted();
    }

    public void Received(int bytes) => BytesIn += bytes;

    /// <summary>Whether the caller took the session's keys (<see cref="TlsClientSession.ExportKeys"/>).</summary>
    public bool KeysExported { get; private set; }

    public void ExportedKeys() => KeysExported = true;

    public void Answered(StepResult result)
    {
        BytesOut += result.RecordsToSend.Length;

        // Its ret and error only: a result keeps its records and plaintext, which an idle session would hold until its end.
        lastAnswer = (result.Ret, result.Error);
    }

    /// <summary>A result of the session, with the phase it was in before the step.</summary>
    public void Observe(SessionPhase before, StepResult result)
    {
        established ??= result.Established;
        trace.Observe(before, result);
        if (result.Error is SslError.Ssl or SslError.Syscall)
        {
            failure ??= result;
            failedAfterHandshake |= before is not (SessionPhase.AwaitingStart or SessionPhase.Handshaking);
        }
    }

    /// <summary>How the stream ended, when it ended with a gRPC status (the first one counts).</summary>
    public void EndedWith(StatusCode code)
    {
        if (status == StatusCode.OK)
        {
            status = code;
        }
    }

    public AuditRecord Complete(string caller, string sessionId, TlsClientSession? session)
    {
        var final = failure is not null ? (failure.Ret, failure.Error) : lastAnswer;
        var peer = session?.PeerCertificates ?? [];
        var record = new AuditRecord(
            SessionId: sessionId,
            Caller: caller,
            Policy: Policy,
            ServerName: ServerName,
            Outcome: Outcome(session?.Phase is SessionPhase.ShuttingDown or SessionPhase.Closed),
            Ret: final?.Ret ?? 0,
            SslError: final is { } answer ? SslErrorNames.OpenSslName(answer.Error) : "none",
            Alert: failure?.Alert is { } alert ? $"{alert.Name}({alert.Description}) {(alert.Sent ? "sent" : "received")}" : "none",
            VerifyCode: (int)(failure?.Verify.Code ?? X509VerifyCode.Ok),
            GrpcStatus: status.ToString(),
            TlsVersion: established?.ProtocolVersion ?? "none",
            CipherSuite: established?.CipherSuite ?? "none",
            ClientCertificateSent: established?.ClientCertificateSent ?? false,
            PeerLeafSha256: peer.Count > 0 ? Convert.ToHexString(SHA256.HashData(peer[0])) : "none",
            Resumed: established?.Resumed ?? false,
            BytesIn: BytesIn,
            BytesOut: BytesOut,
            Duration: timeProvider.GetElapsedTime(startTimestamp),
            KeysExported: KeysExported);
        trace.End(record);
        return record;
    }

    /// <summary>One of <see cref="AuditOutcomes"/>. A close_notify sent counts as closed without the server's answer, as SSL_shutdown(3) returning 0 allows.</summary>
    private string Outcome(bool closed)
    {
        if (!started)
        {
            return AuditOutcomes.Rejected;
        }

        if (failure is not null)
        {
            return failedAfterHandshake ? AuditOutcomes.Failed
                : failure.Verify.IsOk ? AuditOutcomes.HandshakeFailed : AuditOutcomes.VerifyFailed;
        }

        return closed && status == StatusCode.OK ? AuditOutcomes.Closed : AuditOutcomes.Aborted;
    }
}
