using System.Net;
using System.Net.Sockets;

namespace TlsBroker.Testing.Peers;

/// <summary>
/// A port on 127.0.0.1 where nothing listens, for as long as this lives: the socket is bound but never
/// listens, so connections are refused and no other process (a peer started meanwhile on
/// <see cref="PeerProcess.FreePort"/>, another test) can take the port and answer them.
/// </summary>
public sealed class ClosedPort : IAsyncDisposable
{
    private readonly Socket socket;

    private ClosedPort(Socket socket) => this.socket = socket;

    public int Port => ((IPEndPoint)socket.LocalEndPoint!).Port;

    public static ClosedPort Reserve()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return new ClosedPort(socket);
    }

    public ValueTask DisposeAsync()
    {
        socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
