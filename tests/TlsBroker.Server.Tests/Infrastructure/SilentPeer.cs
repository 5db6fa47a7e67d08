using System.Net;
using System.Net.Sockets;
using TlsBroker.Testing;

namespace TlsBroker.Server.Tests.Infrastructure;

/// <summary>A peer on 127.0.0.1 that accepts TCP connections, reads what it gets and never answers.</summary>
internal sealed class SilentPeer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> accepted = [];
    private readonly Task acceptLoop;

    public SilentPeer()
    {
        listener.Start();
        acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        await acceptLoop.WaitAsync(TestTimeouts.Step);
        foreach (var socket in accepted)
        {
            socket.Dispose();
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                accepted.Add(await listener.AcceptSocketAsync());
            }
        }
        catch (SocketException)
        {
            // Stop() ends the accept loop; that is how this peer shuts down.
        }
        catch (ObjectDisposedException)
        {
            // Same as above, depending on where Stop() caught the pending accept.
        }
    }
}
