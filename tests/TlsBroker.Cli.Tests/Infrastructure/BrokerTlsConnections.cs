using System.Net.Sockets;
using TlsBroker.Client;
using TlsBroker.Testing;

namespace TlsBroker.Cli.Tests.Infrastructure;

/// <summary>Client streams the tests authenticate through a broker, each handshake bounded by <see cref="TestTimeouts.Step"/>.</summary>
internal static class BrokerTlsConnections
{
    /// <summary>A TCP connection to the peer on 127.0.0.1:<paramref name="port"/>, authenticated.</summary>
    public static async Task<BrokerTlsStream> ConnectAsync(int port, BrokerTlsClientOptions options) =>
        await AuthenticateAsync(new NetworkStream(await LoopbackIo.ConnectSocketAsync(port), ownsSocket: true), options);

    /// <summary><paramref name="transport"/> authenticated; disposed (and the transport with it) when the handshake fails.</summary>
    public static async Task<BrokerTlsStream> AuthenticateAsync(Stream transport, BrokerTlsClientOptions options)
    {
        var tls = new BrokerTlsStream(transport);
        try
        {
            await tls.AuthenticateAsClientAsync(options).WaitAsync(TestTimeouts.Step);
            return tls;
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
    }
}
