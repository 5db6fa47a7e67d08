using Grpc.Core;
using Microsoft.Extensions.Logging;
using TlsBroker.Contracts.V1;
using TlsBroker.Core.Engine;
using TlsBroker.Core.Policy;
using TlsBroker.Core.Resumption;
using TlsBroker.Core.Results;
using TlsBroker.Core.Verification;
using TlsBroker.Server.Audit;
using TlsBroker.Server.Callers;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Logging;
using TlsBroker.Server.Mapping;
using TlsBroker.Server.Reload;
using TlsBroker.Server.Resumption;
using TlsBroker.Server.Sessions;
using TlsBroker.Server.Telemetry;

namespace TlsBroker.Server.Service;

/// <summary>
/// One Connect stream, adapted onto one <see cref="TlsClientSession"/>. Lockstep: every request
/// gets exactly one response, in order; the next request is read once the answer is written or, with
/// <see cref="BrokerOptions.MaxBufferedResponseBytes"/>, while earlier answers still wait for the caller to read them. The engine owns the phases and says when a message is out of
/// order (<see cref="SessionMisuseException"/>); this class only adds what the engine cannot know:
/// which policy, whether a slot is free, and how long the caller may stay silent.
/// After a fatal result or a completed shutdown the session is Closed and its slot is given back
/// at once; the stream stays open until the caller half-closes it (then it ends OK), and a further
/// Received, Write or Shutdown is answered by the engine with the session's final outcome.
/// The configuration is the one in force when the Start arrives; the session keeps it to its end,
/// whatever reloads happen meanwhile. Its end writes one audit record (<see cref="SessionAuditor"/>).
/// The parts that can be read and tested alone live beside it: the slot and the end (<see cref="SessionLifecycle"/>),
/// the deadlines (<see cref="SessionDeadlines"/>, <see cref="RequestReader"/>), the response writes
/// (<see cref="ResponseWriter"/>) and the resumption tokens (<see cref="SessionResumption"/>).
/// </summary>
internal sealed class ConnectCall : IDisposable
{
    private readonly LiveConfiguration live;
    private readonly TimeProvider timeProvider;
    private readonly BrokerMetrics metrics;
    private readonly SessionAuditor auditor;
    private readonly SessionAudit audit;
    private readonly ILogger logger;
    private readonly Caller caller;
    private readonly SessionLifecycle lifecycle;
    private readonly SessionDeadlines deadlines;
    private BrokerSnapshot configuration;
    private TlsClientSession? session;
    private SessionResumption? resumption;
    private string policyName = string.Empty;
    private string serverName = string.Empty;
    private Core.Engine.ExportedKeys? exportedKeys;

    public ConnectCall(
        LiveConfiguration live,
        ActiveSessions activeSessions,
        TimeProvider timeProvider,
        BrokerMetrics metrics,
        SessionAuditor auditor,
        ILogger logger,
        Caller caller)
    {
        this.live = live;
        this.timeProvider = timeProvider;
        this.metrics = metrics;
        this.auditor = auditor;
        this.logger = logger;
        this.caller = caller;
        configuration = live.Current;
        audit = new SessionAudit(timeProvider);
        Id = Guid.NewGuid().ToString("N")[..16];
        lifecycle = new SessionLifecycle(activeSessions, audit, logger, Id);
        deadlines = new SessionDeadlines(timeProvider, configuration.Options);
    }

    /// <summary>Names the session in logs.</summary>
    public string Id { get; }

    public async Task RunAsync(
        IAsyncStreamReader<ConnectRequest> requests,
        IServerStreamWriter<ConnectResponse> responses,
        CallCancellation callCancelled)
    {
        using var timeouts = new CallTimeouts(timeProvider, callCancelled);
        var readTimeout = timeouts.Reads;
        var writeTimeout = timeouts.Writes;
        var writer = new ResponseWriter(responses, writeTimeout, timeProvider, readTimeout.Stop, metrics.ResponsesUnread);
        var reader = new RequestReader(requests, readTimeout, deadlines, () => writer.BufferedBytes > 0);
        try
        {
            while (await reader.ReadNextAsync(session?.Phase) is { } request)
            {
                var limit = configuration.Options.MaxBufferedResponseBytes;
                writer.Enqueue(Answer(request), deadlines.IdleTimeout, limit);
                if (limit == 0 || exportedKeys is not null)
                {
                    await writer.FlushAsync();
                }

                // The response is serialized once written: the broker's copy of the keys goes now.
                ZeroExportedKeys();
            }

            await writer.FlushAsync();
        }
        catch (Exception e)
        {
            // A caller that misused the stream still gets the answers to its earlier requests, then the status;
            // one that reads nothing (a deadline, a limit), is gone, or whose write failed gets no more writes.
            if (callCancelled.IsCancellationRequested || writer.Failed || e is RpcException { StatusCode: StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted })
            {
                await writeTimeout.StopAsync();
            }

            await writer.SettleAsync();
            if (e is not RpcException && writer.Failed)
            {
                // The read failed because a write did: the write woke it, or gRPC aborted the call when it
                // cancelled an overdue write. The write's failure says why the call ends.
                await writer.FlushAsync();
            }

            throw;
        }
    }

    /// <summary>Frees the session and its slot, however the stream ended, and logs how it ended (<paramref name="status"/>: the gRPC status it ends with).</summary>
    public void End(string outcome, StatusCode status = StatusCode.OK) => lifecycle.End(outcome, status);

    public void Dispose()
    {
        End("stream ended");
        ZeroExportedKeys();
        auditor.Write(audit.Complete(caller.Name, Id, session), audit.PolicyFound);
        session?.Dispose();
    }

    private ConnectResponse Answer(ConnectRequest request)
    {
        if (request.StepCase == ConnectRequest.StepOneofCase.Received)
        {
            audit.Received(request.Received.Data.Length);
        }

        var starts = session is null;
        var result = Handle(request);
        audit.Answered(result);
        var response = ConnectResponseMapper.ToResponse(result, resumption);
        if (starts)
        {
            response.Session = new SessionInfo { Id = Id, MaxMessageBytes = live.AtStartup.Options.MaxMessageBytes };
        }

        return response;
    }

    private StepResult Handle(ConnectRequest request)
    {
        if (session is null)
        {
            return request.StepCase switch
            {
                ConnectRequest.StepOneofCase.Start => StartSession(request.Start),
                ConnectRequest.StepOneofCase.None => throw BrokerErrors.EmptyRequest(),
                _ => throw BrokerErrors.FirstMessageMustBeStart(request.StepCase),
            };
        }

        if (request.StepCase == ConnectRequest.StepOneofCase.ExportKeys)
        {
            return ExportKeys(session);
        }

        var before = session.Phase;
        var result = request.StepCase switch
        {
            ConnectRequest.StepOneofCase.Start => session.Start(new SessionStart(request.Start.ServerName, [.. request.Start.Alpn])),
            ConnectRequest.StepOneofCase.Received => session.Receive(request.Received.Data.Span, request.Received.Eof),
            ConnectRequest.StepOneofCase.Write => session.Write(request.Write.Plaintext.Span),
            ConnectRequest.StepOneofCase.Shutdown => session.Shutdown(),
            _ => throw BrokerErrors.EmptyRequest(),
        };
        Observe(before, result);
        return result;
    }

    private StepResult StartSession(Start start)
    {
        audit.Requested(start.Policy, start.ServerName);
        configuration = live.Current;
        if (!ServerIdentity.TryParse(start.ServerName, out var identity, out var error))
        {
            throw BrokerErrors.InvalidServerName(start.ServerName, error);
        }

        if (start.Policy.Length > 0 && !PolicyName.IsValid(start.Policy))
        {
            throw BrokerErrors.InvalidPolicyName(start.Policy);
        }

        if (!configuration.Policies.TryGet(start.Policy, out var policy) || !caller.MayUse(policy.Name))
        {
            throw BrokerErrors.PolicyNotGranted(start.Policy);
        }

        if (!policy.AllowsServerName(identity!))
        {
            throw BrokerErrors.ServerNameOutsidePolicy(start.ServerName, policy.Name);
        }

        if (!lifecycle.TryStart())
        {
            throw BrokerErrors.SessionLimitReached(lifecycle.SlotLimit);
        }

        audit.Started(policy.Name);
        policyName = policy.Name;
        serverName = start.ServerName;
        deadlines.Started(configuration.Options);
        session = new TlsClientSession(policy, timeProvider, configuration.Options.CryptoProvider);
        BrokerLog.SessionStarted(logger, Id, policyName, serverName);

        resumption = new SessionResumption(configuration.Resumption, new ResumptionScope(caller.Name, policyName, identity!.Name), metrics, logger, Id);
        var result = session.Start(new SessionStart(identity, [.. start.Alpn]) { Resumption = resumption.Open(start.ResumptionToken.Span) });
        Observe(SessionPhase.AwaitingStart, result);
        return result;
    }

    /// <summary>
    /// Key export: only a caller the session's policy names (PERMISSION_DENIED otherwise, whatever the session's state);
    /// the engine then says whether the session can hand its keys over now (FAILED_PRECONDITION otherwise). The session
    /// ends with the export: the connection and its record layer are the caller's.
    /// </summary>
    private StepResult ExportKeys(TlsClientSession active)
    {
        if (!active.Policy.KeyExport.Allows(caller.Name))
        {
            BrokerLog.KeyExportRefused(logger, Id, caller.Name, policyName, "the policy does not grant key export to this caller");
            throw BrokerErrors.KeyExportNotGranted(policyName, caller.Name);
        }

        try
        {
            exportedKeys = active.ExportKeys();
        }
        catch (KeyExportRefusedException refused)
        {
            BrokerLog.KeyExportRefused(logger, Id, caller.Name, policyName, refused.Message);
            throw BrokerErrors.KeyExportRefused(refused);
        }

        audit.ExportedKeys();
        metrics.KeysExported(policyName);
        BrokerLog.KeysExported(logger, Id, caller.Name, policyName, exportedKeys.ProtocolVersion, exportedKeys.CipherSuite);
        End("keys exported: the caller runs the record layer");
        return new StepResult { Ret = 1, Error = Core.Results.SslError.None, Keys = exportedKeys };
    }

    private void ZeroExportedKeys()
    {
        exportedKeys?.Dispose();
        exportedKeys = null;
    }

    private void Observe(SessionPhase before, StepResult result)
    {
        // A request after the end gets the final outcome again (TlsClientSession.AfterEnd); it was observed once already.
        if (before == SessionPhase.Closed)
        {
            return;
        }

        audit.Observe(before, result);
        if (result.Established is { } summary)
        {
            metrics.HandshakeSucceeded(policyName, summary);
            BrokerLog.SessionEstablished(
                logger, Id, summary.ProtocolVersion, summary.CipherSuite, summary.Group, summary.Alpn ?? "none", summary.Resumed, summary.Duration.TotalMilliseconds);
            if (result.Verify.RevocationUnverified is { } unverified)
            {
                RevocationLog.RevocationUnverified(
                    logger, Id, policyName, serverName, (int)unverified.Code, unverified.OpenSslName, unverified.Depth, unverified.Reason);
            }
        }

        // SSL_get_error(3): SSL_ERROR_SSL and SSL_ERROR_SYSCALL are fatal; nothing more may be done on the connection.
        if (result.Error is Core.Results.SslError.Ssl or Core.Results.SslError.Syscall)
        {
            if (before is SessionPhase.AwaitingStart or SessionPhase.Handshaking)
            {
                metrics.HandshakeFailed(policyName, result.Verify.IsOk ? "failed" : "verify_failed", (int)result.Verify.Code);
            }

            BrokerLog.SessionFailed(
                logger, Id, policyName, serverName, SslErrorNames.OpenSslName(result.Error), (int)result.Verify.Code, result.Verify.OpenSslName, AlertText(result.Alert), result.Reason);
        }

        if (session!.Phase == SessionPhase.Closed)
        {
            End(CloseOutcome(result));
        }
    }

    private static string CloseOutcome(StepResult result) => result.Error switch
    {
        _ when result.Established is not null => "closed by the server (close_notify) with its last handshake flight",
        Core.Results.SslError.None => "shut down (close_notify exchanged)",
        Core.Results.SslError.ZeroReturn => "closed by the server (close_notify)",
        _ => "failed: " + SslErrorNames.OpenSslName(result.Error),
    };

    private static string AlertText(TlsAlert? alert) =>
        alert is null ? "none" : $"{alert.Name}({alert.Description}) {(alert.Sent ? "sent" : "received")}";
}
