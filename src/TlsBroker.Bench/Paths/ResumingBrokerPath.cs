using System.Net.Sockets;
using TlsBroker.Bench.Server;
using TlsBroker.Client;

namespace TlsBroker.Bench.Paths;

/// <summary>
/// The broker path resuming sessions: each handshake offers the resumption token of the latest
/// session of its TLS version (sealed by the broker, held here like any caller would), and a
/// handshake that offered one but was not resumed counts as a failure, so that a row of resumed
/// handshakes holds nothing else; so does a session that brought no token (a broker without
/// resumption keys), which would leave the row full handshakes offering nothing. The first
/// handshake of a version, with no token yet, is full.
/// A TLS 1.3 server sends its NewSessionTicket after the handshake (RFC 8446 §4.6.1), so a TLS 1.3
/// session asks the bench server for a download of 0 bytes and reads to its close_notify before it
/// closes: the ticket, and so the broker's token, comes with that read. The handshake's latency
/// ends before it, as on every path; the rate counts it.
/// </summary>
internal sealed class ResumingBrokerPath : IBenchPath
{
    private readonly BrokerPath broker;

    // The latest token of each TLS version: the versions use different policies, so different keys.
    private readonly BrokerTlsSessionCache sessions = new();

    public ResumingBrokerPath(BrokerPath broker)
    {
        this.broker = broker;
    }

    public BenchPathKind Kind => BenchPathKind.Broker;

    public BenchVariant Variant => broker.Variant;

    public string Label => $"{broker.Kind.Label()} resumed";

    public string HandshakeKind => "resumed";

    public CpuClock Clock => broker.Clock;

    public async Task<IBenchConnection> HandshakeAsync(Socket connected, BenchTlsVersion version, CancellationToken cancellationToken)
    {
        var offered = sessions.TryGetToken(broker.SessionKey(version), out _);
        var tls = await broker.ConnectAsync(connected, version, sessions, cancellationToken);
        if (offered && !tls.SessionInfo.Resumed)
        {
            await tls.DisposeAsync();
            throw new BenchTlsException($"a resumption token was offered but the TLS {version.Label()} handshake was a full one");
        }

        if (version != BenchTlsVersion.Tls13 && !HasToken(version))
        {
            await tls.DisposeAsync();
            throw NoToken(version);
        }

        return new StreamConnection(tls, version == BenchTlsVersion.Tls13 ? token => ReadTicketsAndCloseAsync(tls, token) : tls.ShutdownAsync);
    }

    private async Task ReadTicketsAndCloseAsync(BrokerTlsStream tls, CancellationToken cancellationToken)
    {
        await tls.WriteAsync(BenchRequest.Transfer(BenchRequest.Download, 0), cancellationToken);
        var buffer = new byte[1];
        while (await tls.ReadAsync(buffer, cancellationToken) > 0)
        {
        }

        if (!HasToken(BenchTlsVersion.Tls13))
        {
            throw NoToken(BenchTlsVersion.Tls13);
        }
    }

    private static BenchTlsException NoToken(BenchTlsVersion version) =>
        new($"the broker issued no resumption token for the TLS {version.Label()} session (does it have Broker:Resumption:Keys?)");

    private bool HasToken(BenchTlsVersion version) => sessions.TryGetToken(broker.SessionKey(version), out _);

    /// <summary>The channel belongs to the broker path this one resumes through.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
