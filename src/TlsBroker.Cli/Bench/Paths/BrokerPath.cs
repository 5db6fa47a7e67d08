using System.Net.Sockets;
using Grpc.Net.Client;
using TlsBroker.Client;

namespace TlsBroker.Cli.Bench.Paths;

/// <summary>
/// The real path: a broker process over gRPC on loopback, driven with the public client library
/// (<see cref="BrokerTlsClient"/>/<see cref="BrokerTlsStream"/>), which is what a .NET caller runs,
/// so its costs are part of the figure. The channel may open several HTTP/2 connections, because
/// Kestrel allows 100 streams per connection and the idle phase holds thousands.
/// </summary>
internal sealed class BrokerPath : IBenchPath
{
    private static readonly TimeSpan BrokerStepTimeout = TimeSpan.FromSeconds(30);

    private readonly string serverName;
    private readonly GrpcChannel channel;
    private readonly BrokerTlsClient client;

    /// <param name="clock">Counts the broker process's CPU and JIT time too, when the broker is known.</param>
    /// <param name="variant">Selects the broker policies (bench-tls13[-NAME]) this path uses.</param>
    public BrokerPath(string serverName, Uri broker, CpuClock clock, BenchVariant variant)
    {
        this.serverName = serverName;
        Variant = variant;
        channel = GrpcChannel.ForAddress(broker, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                ConnectTimeout = BrokerStepTimeout,
            },
        });
        client = new BrokerTlsClient(channel);
        Clock = clock;
    }

    public BenchPathKind Kind => BenchPathKind.Broker;

    public BenchVariant Variant { get; }

    public CpuClock Clock { get; }

    public async Task<IBenchConnection> HandshakeAsync(Socket connected, BenchTlsVersion version, CancellationToken cancellationToken)
    {
        var tls = await ConnectAsync(connected, version, ReadOnlyMemory<byte>.Empty, cancellationToken);
        return new StreamConnection(tls, tls.ShutdownAsync);
    }

    /// <summary>The handshake through the broker, offering <paramref name="resumptionToken"/> unless it is empty.</summary>
    public Task<BrokerTlsStream> ConnectAsync(Socket connected, BenchTlsVersion version, ReadOnlyMemory<byte> resumptionToken, CancellationToken cancellationToken)
    {
        var options = new BrokerTlsOptions
        {
            ServerName = serverName,
            Policy = Variant.BrokerPolicy(version),
            Timeout = BrokerStepTimeout,
            ResumptionToken = resumptionToken,
        };
        return client.ConnectAsync(new NetworkStream(connected, ownsSocket: true), options, cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        channel.Dispose();
        return ValueTask.CompletedTask;
    }
}
