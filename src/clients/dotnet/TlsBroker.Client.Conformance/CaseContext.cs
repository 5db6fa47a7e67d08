using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using TlsBroker.Client.Conformance.Environment;

namespace TlsBroker.Client.Conformance;

/// <summary>The environment, one channel per broker, and the steps several cases share.</summary>
internal sealed class CaseContext : IDisposable
{
    public CaseContext(ConformanceEnvironment environment)
    {
        Environment = environment;
        Broker = GrpcChannel.ForAddress(environment.Broker.Url);
        DoomedBroker = GrpcChannel.ForAddress(environment.DoomedBroker.Url);
        UnreachableBroker = GrpcChannel.ForAddress(environment.UnreachableBroker.Url);
    }

    public ConformanceEnvironment Environment { get; }

    public GrpcChannel Broker { get; }

    public GrpcChannel DoomedBroker { get; }

    public GrpcChannel UnreachableBroker { get; }

    public PeerSet Peers => Environment.Peers;

    public BrokerTlsClientOptions Options(Peer peer, ChannelBase? broker = null, string? policy = null) => new()
    {
        TargetHost = peer.ServerName,
        ApplicationProtocols = peer.OfferAlpn?.Select(protocol => new SslApplicationProtocol(protocol)).ToList(),
        Broker = broker ?? Broker,
        Policy = policy ?? Environment.Policies.Default,
        Timeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Opens TCP to <paramref name="peer"/> and authenticates through the broker; nothing is left open on failure.</summary>
    public static async Task<BrokerTlsStream> ConnectAsync(Peer peer, BrokerTlsClientOptions options, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(peer.Host, peer.Port, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var tls = new BrokerTlsStream(new NetworkStream(socket, ownsSocket: true));
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

    /// <summary>Sends <c>GET path</c> with <c>Connection: close</c> and reads the answer to the end of the session.</summary>
    public static async Task<(string Head, byte[] Body)> GetAsync(BrokerTlsStream tls, Peer nginx, string path, CancellationToken cancellationToken)
    {
        await tls.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {nginx.ServerName}\r\nConnection: close\r\n\r\n"), cancellationToken);
        using var answer = new MemoryStream();
        await tls.CopyToAsync(answer, cancellationToken);
        var bytes = answer.ToArray();
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        Expect.True(end > 0, $"no HTTP header in {bytes.Length} bytes from nginx");
        return (Encoding.ASCII.GetString(bytes, 0, end), bytes[(end + 4)..]);
    }

    public void Dispose()
    {
        Broker.Dispose();
        DoomedBroker.Dispose();
        UnreachableBroker.Dispose();
    }
}
