using System.Net.Sockets;
using Grpc.Net.Client;
using TlsBroker.Client;

namespace TlsBroker.Bench.Paths;

/// <summary>
/// The real path: a broker process over gRPC on loopback, driven with the public client library
/// (<see cref="BrokerTlsStream"/>), which is what a .NET caller runs,
/// so its costs are part of the figure. The channel may open several HTTP/2 connections, because
/// Kestrel allows 100 streams per connection and the idle phase holds thousands.
/// As the export path it asks for the session's keys once the handshake is verified
/// (<see cref="BrokerTlsClientOptions.ExportKeysAfterHandshake"/>), under the export policies, and the client
/// library's record layer then carries the data over the socket itself.
/// </summary>
internal sealed class BrokerPath : IBenchPath
{
    private static readonly TimeSpan BrokerStepTimeout = TimeSpan.FromSeconds(30);

    private readonly string serverName;
    private readonly GrpcChannel channel;
    private readonly bool exportKeys;

    /// <param name="clock">Counts the broker process's CPU and JIT time too, when the broker is known.</param>
    /// <param name="variant">Selects the broker policies (bench-tls13[-NAME]) this path uses.</param>
    /// <param name="exportKeys">The export path: take the keys after the handshake, under bench-export-tls13/12 (base variant only).</param>
    public BrokerPath(string serverName, Uri broker, CpuClock clock, BenchVariant variant, bool exportKeys = false)
    {
        this.serverName = serverName;
        this.exportKeys = exportKeys;
        Variant = variant;
        channel = GrpcChannel.ForAddress(broker, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                ConnectTimeout = BrokerStepTimeout,
            },
        });
        Clock = clock;
    }

    public BenchPathKind Kind => exportKeys ? BenchPathKind.Export : BenchPathKind.Broker;

    public BenchVariant Variant { get; }

    public CpuClock Clock { get; }

    public Task<IBenchConnection> HandshakeAsync(Socket connected, BenchTlsVersion version, CancellationToken cancellationToken) =>
        HandshakeAsync(new NetworkStream(connected, ownsSocket: true), version, cancellationToken);

    /// <summary>The handshake over any transport (the idle phase's in-memory connections), which the returned connection then owns.</summary>
    public async Task<IBenchConnection> HandshakeAsync(Stream transport, BenchTlsVersion version, CancellationToken cancellationToken)
    {
        var tls = await ConnectAsync(transport, version, sessionCache: null, cancellationToken);
        if (exportKeys && !tls.KeysExported)
        {
            await tls.DisposeAsync();
            throw new BenchTlsException($"the broker completed the TLS {version.Label()} handshake but exported no keys; the data would go through it");
        }

        return new StreamConnection(tls, tls.ShutdownAsync);
    }

    /// <summary>The broker, policy and server name a session of <paramref name="version"/> keeps its resumption token under.</summary>
    public BrokerTlsSessionKey SessionKey(BenchTlsVersion version) => new(channel.Target, Policy(version), serverName);

    /// <summary>The handshake through the broker, resuming from <paramref name="sessionCache"/> when it holds a token.</summary>
    public Task<BrokerTlsStream> ConnectAsync(Socket connected, BenchTlsVersion version, BrokerTlsSessionCache? sessionCache, CancellationToken cancellationToken) =>
        ConnectAsync(new NetworkStream(connected, ownsSocket: true), version, sessionCache, cancellationToken);

    private async Task<BrokerTlsStream> ConnectAsync(Stream transport, BenchTlsVersion version, BrokerTlsSessionCache? sessionCache, CancellationToken cancellationToken)
    {
        var options = new BrokerTlsClientOptions
        {
            TargetHost = serverName,
            Broker = channel,
            Policy = Policy(version),
            Timeout = BrokerStepTimeout,
            SessionCache = sessionCache,
            ExportKeysAfterHandshake = exportKeys,
        };
        var tls = new BrokerTlsStream(transport);
        try
        {
            await tls.AuthenticateAsClientAsync(options, cancellationToken);
            return tls;
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        channel.Dispose();
        return ValueTask.CompletedTask;
    }

    private string Policy(BenchTlsVersion version) => exportKeys ? version.ExportPolicy() : Variant.BrokerPolicy(version);
}
