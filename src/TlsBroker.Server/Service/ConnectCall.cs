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
using TlsBroker.Server.Logging;
using TlsBroker.Server.Mapping;
using TlsBroker.Server.Reload;
using TlsBroker.Server.Resumption;
using TlsBroker.Server.Sessions;
using TlsBroker.Server.Telemetry;

namespace TlsBroker.Server.Service;

/// <summary>
/// One Connect stream, adapted onto one <see cref="TlsClientSession"/>. Lockstep: every request
/// gets exactly one response. The engine owns the phases and says when a message is out of
/// order (<see cref="SessionMisuseException"/>); this class only adds what the engine cannot know:
/// which policy, whether a slot is free, and how long the caller may stay silent.
/// After a fatal result or a completed shutdown the session is Closed and its slot is given back
/// at once; the stream stays open until the caller half-closes it (then it ends OK), and a further
/// Received, Write or Shutdown is answered by the engine with the session's final outcome.
/// The configuration is the one in force when the Start arrives; the session keeps it to its end,
/// whatever reloads happen meanwhile. Its end writes one audit record (<see cref="SessionAuditor"/>).
/// </summary>
internal sealed class ConnectCall : IDisposable
{
    private readonly LiveConfiguration live;
    private readonly ActiveSessions activeSessions;
    private readonly TimeProvider timeProvider;
    private readonly BrokerMetrics metrics;
    private readonly SessionAuditor auditor;
    private readonly SessionAudit audit;
    private readonly ILogger logger;
    private readonly Caller caller;
    private BrokerSnapshot configuration;
    private TlsClientSession? session;
    private ResumptionScope? scope;
    private byte[]? issuedToken;
    private int tokenUpdates;
    private string policyName = string.Empty;
    private string serverName = string.Empty;
    private DateTimeOffset handshakeDeadline;
    private DateTimeOffset lastRequestAt;
    private bool holdsSlot;
    private bool closeLogged;

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
        this.activeSessions = activeSessions;
        this.timeProvider = timeProvider;
        this.metrics = metrics;
        this.auditor = auditor;
        this.logger = logger;
        this.caller = caller;
        configuration = live.Current;
        audit = new SessionAudit(timeProvider);
        Id = Guid.NewGuid().ToString("N")[..16];
        lastRequestAt = timeProvider.GetUtcNow();
    }

    /// <summary>Names the session in logs.</summary>
    public string Id { get; }

    public async Task RunAsync(
        IAsyncStreamReader<ConnectRequest> requests,
        IServerStreamWriter<ConnectResponse> responses,
        CancellationToken callCancelled)
    {
        using var readTimeout = new ReadTimeout(timeProvider, callCancelled);
        while (await ReadNextAsync(requests, readTimeout) is { } request)
        {
            if (request.StepCase == ConnectRequest.StepOneofCase.Received)
            {
                audit.Received(request.Received.Data.Length);
            }

            var starts = session is null;
            var result = Handle(request);
            audit.Answered(result);
            var response = ConnectResponseMapper.ToResponse(result, issuedToken);
            if (starts)
            {
                response.Session = new SessionInfo { Id = Id, MaxMessageBytes = live.AtStartup.Options.MaxMessageBytes };
            }

            issuedToken = null;
            await WriteAsync(responses, response, readTimeout);
        }
    }

    /// <summary>Frees the session and its slot, however the stream ended, and logs how it ended (<paramref name="status"/>: the gRPC status it ends with).</summary>
    public void End(string outcome, StatusCode status = StatusCode.OK)
    {
        audit.EndedWith(status);
        if (session is not null && !closeLogged)
        {
            closeLogged = true;
            BrokerLog.SessionClosed(logger, Id, outcome);
        }

        ReleaseSlot();
    }

    public void Dispose()
    {
        End("stream ended");
        auditor.Write(audit.Complete(caller.Name, Id, session), audit.PolicyFound);
        session?.Dispose();
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

        if (!activeSessions.TryAcquire())
        {
            throw BrokerErrors.SessionLimitReached(activeSessions.Limit);
        }

        holdsSlot = true;
        audit.Started(policy.Name);
        policyName = policy.Name;
        serverName = start.ServerName;
        handshakeDeadline = timeProvider.GetUtcNow() + configuration.Options.HandshakeTimeout;
        session = new TlsClientSession(policy, timeProvider, configuration.Options.CryptoProvider);
        BrokerLog.SessionStarted(logger, Id, policyName, serverName);

        scope = new ResumptionScope(caller.Name, policyName, identity!.Name);
        var result = session.Start(new SessionStart(identity, [.. start.Alpn]) { Resumption = OpenToken(start.ResumptionToken.Span) });
        Observe(SessionPhase.AwaitingStart, result);
        return result;
    }

    /// <summary>A token that cannot be trusted is not an error: the handshake is a full one, and the reason is logged and counted.</summary>
    private ResumptionState? OpenToken(ReadOnlySpan<byte> token)
    {
        if (token.IsEmpty || !configuration.Resumption.IsActive)
        {
            return null;
        }

        if (!configuration.Resumption.TryOpen(scope!, token, out var state, out var rejection))
        {
            var outcome = ResumptionOutcomes.Rejected(rejection);
            metrics.ResumptionToken(outcome);
            BrokerLog.ResumptionTokenRejected(logger, Id, outcome);
            return null;
        }

        metrics.ResumptionToken(ResumptionOutcomes.Accepted);
        return state;
    }

    /// <summary>
    /// Seals the session's state whenever it changed: at Established for TLS 1.2 (and for a resumed
    /// session), and after the handshake with every TLS 1.3 NewSessionTicket (RFC 8446 §4.6.1), so
    /// the token rides on the response to the Received that carried the ticket.
    /// </summary>
    private void IssueTokenIfUpdated()
    {
        var updates = session!.ResumptionUpdates;
        if (updates == tokenUpdates || !configuration.Resumption.IsActive)
        {
            return;
        }

        tokenUpdates = updates;
        if (session.ExportResumption() is { } state)
        {
            issuedToken = configuration.Resumption.Seal(scope!, state);
            if (issuedToken is not null)
            {
                metrics.ResumptionToken(ResumptionOutcomes.Issued);
            }
        }
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
        }

        // SSL_get_error(3): SSL_ERROR_SSL and SSL_ERROR_SYSCALL are fatal; nothing more may be done on the connection.
        if (result.Error is Core.Results.SslError.Ssl or Core.Results.SslError.Syscall)
        {
            if (before is SessionPhase.AwaitingStart or SessionPhase.Handshaking)
            {
                metrics.HandshakeFailed(policyName, result.Verify.IsOk ? "failed" : "verify_failed");
            }

            BrokerLog.SessionFailed(
                logger, Id, policyName, serverName, SslErrorNames.OpenSslName(result.Error), (int)result.Verify.Code, result.Verify.OpenSslName, AlertText(result.Alert), result.Reason);
        }
        else
        {
            IssueTokenIfUpdated();
        }

        if (session!.Phase == SessionPhase.Closed)
        {
            End(CloseOutcome(result));
        }
    }

    /// <summary>
    /// A caller that stops reading responses blocks this write (HTTP/2 flow control) and would hold
    /// its session forever: the write gets the idle timeout, then the session ends with DEADLINE_EXCEEDED.
    /// </summary>
    private async Task WriteAsync(IServerStreamWriter<ConnectResponse> responses, ConnectResponse response, ReadTimeout readTimeout)
    {
        var idleTimeout = configuration.Options.IdleTimeout;
        var deadline = timeProvider.GetUtcNow() + idleTimeout;
        var cancelled = readTimeout.Arm(idleTimeout);
        try
        {
            await responses.WriteAsync(response, cancelled);
            readTimeout.Disarm();
        }
        catch (Exception e) when (e is not RpcException && timeProvider.GetUtcNow() >= deadline)
        {
            // By the clock, not by ReadTimeout.Expired: gRPC may abort the whole call when it cancels a
            // write, and the write then fails with whatever the aborted call gives.
            throw BrokerErrors.ResponsesNotRead(idleTimeout);
        }
    }

    private async Task<ConnectRequest?> ReadNextAsync(IAsyncStreamReader<ConnectRequest> requests, ReadTimeout readTimeout)
    {
        var deadline = CurrentDeadline();
        var cancelled = readTimeout.Arm(Max(deadline - timeProvider.GetUtcNow(), TimeSpan.Zero));

        // Checked after the timer is armed, so that time passing in between cannot be missed.
        if (timeProvider.GetUtcNow() >= deadline)
        {
            throw DeadlineExceeded();
        }

        try
        {
            var more = await requests.MoveNext(cancelled);
            readTimeout.Disarm();
            lastRequestAt = timeProvider.GetUtcNow();
            return more ? requests.Current : null;
        }
        catch (OperationCanceledException) when (readTimeout.Expired)
        {
            throw DeadlineExceeded();
        }
    }

    /// <summary>
    /// Until when the caller may stay silent: the handshake deadline counts from the call's start
    /// (for the Start message) or from the Start; the idle timeout from the last request.
    /// </summary>
    private DateTimeOffset CurrentDeadline() => session?.Phase switch
    {
        null => lastRequestAt + configuration.Options.HandshakeTimeout,
        SessionPhase.AwaitingStart or SessionPhase.Handshaking => handshakeDeadline,
        _ => lastRequestAt + configuration.Options.IdleTimeout,
    };

    /// <summary>The answer when the caller stayed silent past <see cref="CurrentDeadline"/>; built only then.</summary>
    private RpcException DeadlineExceeded() => session?.Phase switch
    {
        null => BrokerErrors.StartDeadlineExceeded(configuration.Options.HandshakeTimeout),
        SessionPhase.AwaitingStart or SessionPhase.Handshaking => BrokerErrors.HandshakeDeadlineExceeded(configuration.Options.HandshakeTimeout),
        _ => BrokerErrors.IdleDeadlineExceeded(configuration.Options.IdleTimeout),
    };

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private void ReleaseSlot()
    {
        if (holdsSlot)
        {
            holdsSlot = false;
            activeSessions.Release();
        }
    }

    private static string CloseOutcome(StepResult result) => result.Error switch
    {
        Core.Results.SslError.None => "shut down (close_notify exchanged)",
        Core.Results.SslError.ZeroReturn => "closed by the server (close_notify)",
        _ => "failed: " + SslErrorNames.OpenSslName(result.Error),
    };

    private static string AlertText(TlsAlert? alert) =>
        alert is null ? "none" : $"{alert.Name}({alert.Description}) {(alert.Sent ? "sent" : "received")}";
}
