using System.Net.Sockets;

namespace TlsBroker.Cli.Bench.Paths;

/// <summary>
/// The broker path resuming sessions: each handshake offers the resumption token of the latest
/// session of its TLS version (sealed by the broker, held here like any caller would), and a
/// handshake that offered one but was not resumed counts as a failure, so that a row of resumed
/// handshakes holds nothing else. The first handshake of a version, with no token yet, is full.
/// </summary>
internal sealed class ResumingBrokerPath : IBenchPath
{
    private readonly BrokerPath broker;
    private readonly Dictionary<BenchTlsVersion, byte[]> latestTokens = [];
    private readonly Lock gate = new();

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
        byte[]? offered;
        lock (gate)
        {
            offered = latestTokens.GetValueOrDefault(version);
        }

        var tls = await broker.ConnectAsync(connected, version, offered, cancellationToken);
        if (tls.ResumptionToken is { } issued)
        {
            lock (gate)
            {
                latestTokens[version] = issued;
            }
        }

        if (offered is not null && !tls.SessionInfo.Resumed)
        {
            await tls.DisposeAsync();
            throw new BenchTlsException($"a resumption token was offered but the TLS {version.Label()} handshake was a full one");
        }

        return new StreamConnection(tls, tls.ShutdownAsync);
    }

    /// <summary>The channel belongs to the broker path this one resumes through.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
