using System.Diagnostics;
using TlsBroker.Core.Engine;
using TlsBroker.Core.Results;
using TlsBroker.Server.Audit;
using TlsBroker.Server.Mapping;

namespace TlsBroker.Server.Telemetry;

/// <summary>
/// One session's spans (<see cref="SessionTracing.SourceName"/>): <see cref="SessionTracing.SessionSpan"/> from the call's
/// start to its end, holding <see cref="SessionTracing.HandshakeSpan"/> from the Start to the established or failed handshake.
/// Attributes name the caller, policy, server name, TLS version and cipher, outcome and verify code; never plaintext, keys
/// or tokens. While nothing listens (no exporter configured) no span is created.
/// </summary>
internal sealed class SessionTrace
{
    private Activity? session;
    private Activity? handshake;

    public SessionTrace()
    {
        session = StartSession();
    }

    public void HandshakeStarted()
    {
        if (session is null || handshake is not null)
        {
            return;
        }

        // The handshake span must not become Activity.Current: it may outlive the call step that started it.
        var current = Activity.Current;
        handshake = SessionTracing.Source.StartActivity(SessionTracing.HandshakeSpan, ActivityKind.Internal, session.Context);
        Activity.Current = current;
    }

    /// <summary>A result of the session, with the phase it was in before the step: ends the handshake span when the handshake ended.</summary>
    public void Observe(SessionPhase before, StepResult result)
    {
        if (handshake is null)
        {
            return;
        }

        if (result.Established is { } summary)
        {
            handshake.SetTag("tls.protocol.version", summary.ProtocolVersion)
                .SetTag("tls.cipher", summary.CipherSuite)
                .SetTag("tls.curve", summary.Group)
                .SetTag("tls.next_protocol", summary.Alpn ?? "none")
                .SetTag("tls.resumed", summary.Resumed)
                .SetTag("tlsbroker.client_certificate_sent", summary.ClientCertificateSent);
            EndHandshake(ActivityStatusCode.Ok, null);
        }
        else if (result.Error is SslError.Ssl or SslError.Syscall && before is SessionPhase.AwaitingStart or SessionPhase.Handshaking)
        {
            handshake.SetTag("tlsbroker.ssl_error", SslErrorNames.OpenSslName(result.Error))
                .SetTag("tlsbroker.verify_code", (int)result.Verify.Code)
                .SetTag("tlsbroker.verify_error", result.Verify.OpenSslName)
                .SetTag("tlsbroker.alert", result.Alert is { } alert ? $"{alert.Name}({alert.Description}) {(alert.Sent ? "sent" : "received")}" : "none");
            EndHandshake(ActivityStatusCode.Error, result.Reason);
        }
    }

    /// <summary>Tags the session span with the audit record (nothing secret in it) and ends both spans.</summary>
    public void End(AuditRecord record)
    {
        EndHandshake(ActivityStatusCode.Error, "the session ended during the handshake");
        if (session is null)
        {
            return;
        }

        session.SetTag("tlsbroker.session.id", record.SessionId)
            .SetTag("tlsbroker.caller", record.Caller)
            .SetTag("tlsbroker.policy", Excerpt.Of(record.Policy))
            .SetTag("tls.client.server_name", Excerpt.Of(record.ServerName))
            .SetTag("tlsbroker.outcome", record.Outcome)
            .SetTag("tlsbroker.ret", record.Ret)
            .SetTag("tlsbroker.ssl_error", record.SslError)
            .SetTag("tlsbroker.alert", record.Alert)
            .SetTag("tlsbroker.verify_code", record.VerifyCode)
            .SetTag("tlsbroker.grpc_status", record.GrpcStatus)
            .SetTag("tls.protocol.version", record.TlsVersion)
            .SetTag("tls.cipher", record.CipherSuite)
            .SetTag("tls.resumed", record.Resumed)
            .SetTag("tlsbroker.bytes_in", record.BytesIn)
            .SetTag("tlsbroker.bytes_out", record.BytesOut);
        var failed = record.Outcome is AuditOutcomes.VerifyFailed or AuditOutcomes.HandshakeFailed or AuditOutcomes.Failed || record.GrpcStatus != "OK";
        session.SetStatus(failed ? ActivityStatusCode.Error : ActivityStatusCode.Ok, failed ? record.Outcome : null);
        session.Stop();
        session = null;
    }

    /// <summary>
    /// The call's own span. ASP.NET Core keeps an activity per request for its log scopes even when no
    /// exporter records it; a span under that unrecorded activity would not be sampled (the default
    /// sampler follows the parent), so such a parent is skipped for the caller's traceparent, if it sent one.
    /// </summary>
    private static Activity? StartSession()
    {
        if (!SessionTracing.Source.HasListeners())
        {
            return null;
        }

        var current = Activity.Current;
        if (current is null || current.Recorded)
        {
            return SessionTracing.Source.StartActivity(SessionTracing.SessionSpan, ActivityKind.Server);
        }

        var remote = current.HasRemoteParent
            ? new ActivityContext(current.TraceId, current.ParentSpanId, current.ActivityTraceFlags, current.TraceStateString, isRemote: true)
            : default;
        Activity.Current = null;
        var span = SessionTracing.Source.StartActivity(SessionTracing.SessionSpan, ActivityKind.Server, remote);
        if (span is null)
        {
            Activity.Current = current;
        }

        return span;
    }

    private void EndHandshake(ActivityStatusCode status, string? description)
    {
        if (handshake is null)
        {
            return;
        }

        handshake.SetStatus(status, description);
        handshake.Stop();
        handshake = null;
    }
}
