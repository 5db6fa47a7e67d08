using System.Diagnostics.Metrics;
using System.Globalization;
using TlsBroker.Core.Results;

namespace TlsBroker.Server.Telemetry;

/// <summary>
/// The broker's instruments (meter "TlsBroker.Server"). Tags stay low-cardinality: the policy
/// name, never the server name.
/// </summary>
internal sealed class BrokerMetrics
{
    public const string MeterName = "TlsBroker.Server";

    private static readonly double[] HandshakeDurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    /// <summary>From a refused call (milliseconds) to a long-lived connection (an hour and more).</summary>
    private static readonly double[] SessionDurationBuckets = [0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 14400];

    private readonly UpDownCounter<long> activeSessions;
    private readonly Counter<long> handshakes;
    private readonly Histogram<double> handshakeDuration;
    private readonly Counter<long> resumptionTokens;
    private readonly Counter<long> keysExported;
    private readonly Counter<long> sessions;
    private readonly Counter<long> sessionBytes;
    private readonly Histogram<double> sessionDuration;
    private readonly Counter<long> callsRejected;
    private readonly Counter<long> configurationReloads;
    private readonly UpDownCounter<long> unreadResponseBytes;

    public BrokerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        activeSessions = meter.CreateUpDownCounter<long>("tlsbroker.sessions.active", "{session}", "TLS sessions held by the broker right now.");
        keysExported = meter.CreateCounter<long>("tlsbroker.keys.exported", "{session}", "Sessions whose traffic keys the caller took (key export), by policy.");
        handshakes = meter.CreateCounter<long>("tlsbroker.handshakes", "{handshake}", "Handshakes that ended, by outcome.");
        handshakeDuration = meter.CreateHistogram(
            "tlsbroker.handshake.duration",
            "s",
            "Time from Start to the completed handshake.",
            tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = HandshakeDurationBuckets });
        resumptionTokens = meter.CreateCounter<long>(
            "tlsbroker.resumption.tokens", "{token}", "Resumption tokens issued, accepted, or not used and why (malformed, unknown_key, not_authentic, expired, unreadable_state; accepted but not resumed with: declined_by_server, not_offerable, unusable_state, chain_rejected).");
        sessions = meter.CreateCounter<long>(
            "tlsbroker.sessions", "{session}", "Connect streams that ended, by caller, policy and outcome (rejected, verify_failed, handshake_failed, closed, failed, aborted).");
        sessionBytes = meter.CreateCounter<long>(
            "tlsbroker.session.io", "By", "TLS bytes of ended sessions, by caller, policy and direction (in: from the server; out: to the server).");
        sessionDuration = meter.CreateHistogram(
            "tlsbroker.session.duration",
            "s",
            "Lifetime of ended Connect streams, by policy and outcome.",
            tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = SessionDurationBuckets });
        callsRejected = meter.CreateCounter<long>(
            "tlsbroker.calls.rejected", "{call}", "Calls the broker refused or ended with an error status, by reason (auth, policy, limit, malformed, capacity, shutdown, deadline).");
        unreadResponseBytes = meter.CreateUpDownCounter<long>(
            "tlsbroker.responses.unread", "By", "Response bytes the broker holds that their callers have not read yet (waiting for the caller's HTTP/2 window).");
        configurationReloads = meter.CreateCounter<long>(
            "tlsbroker.config.reloads", "{reload}", "Configuration reloads, by outcome (applied, rejected, unchanged).");
    }

    internal void SessionOpened() => activeSessions.Add(1);

    internal void SessionClosed() => activeSessions.Add(-1);

    internal void HandshakeSucceeded(string policy, HandshakeSummary summary)
    {
        handshakes.Add(
            1, new("tlsbroker.policy", policy), new("tlsbroker.outcome", "established"), new("tls.protocol.version", summary.ProtocolVersion), new("tlsbroker.verify_code", "0"));
        handshakeDuration.Record(summary.Duration.TotalSeconds, new KeyValuePair<string, object?>("tlsbroker.policy", policy));
    }

    internal void KeysExported(string policy) => keysExported.Add(1, new KeyValuePair<string, object?>("tlsbroker.policy", policy));

    internal void ResumptionToken(string outcome) => resumptionTokens.Add(1, new KeyValuePair<string, object?>("tlsbroker.outcome", outcome));

    /// <param name="verifyCode">OpenSSL's X509_V_ERR number: a label of at most a hundred values, unlike the reason text.</param>
    internal void HandshakeFailed(string policy, string outcome, int verifyCode) =>
        handshakes.Add(1, new("tlsbroker.policy", policy), new("tlsbroker.outcome", outcome), new("tlsbroker.verify_code", verifyCode.ToString(CultureInfo.InvariantCulture)));

    internal void SessionEnded(string caller, string policy, string outcome, long bytesIn, long bytesOut, TimeSpan lifetime)
    {
        sessions.Add(1, new("tlsbroker.caller", caller), new("tlsbroker.policy", policy), new("tlsbroker.outcome", outcome));
        sessionDuration.Record(lifetime.TotalSeconds, new("tlsbroker.policy", policy), new("tlsbroker.outcome", outcome));
        sessionBytes.Add(bytesIn, new("tlsbroker.caller", caller), new("tlsbroker.policy", policy), new("tlsbroker.direction", "in"));
        sessionBytes.Add(bytesOut, new("tlsbroker.caller", caller), new("tlsbroker.policy", policy), new("tlsbroker.direction", "out"));
    }

    internal void CallRejected(string reason) => callsRejected.Add(1, new KeyValuePair<string, object?>("tlsbroker.reason", reason));

    internal void ResponsesUnread(long delta) => unreadResponseBytes.Add(delta);

    internal void ConfigurationReload(string outcome) => configurationReloads.Add(1, new KeyValuePair<string, object?>("tlsbroker.outcome", outcome));
}
