using System.Net;
using System.Net.Sockets;
using System.Text;
using TlsBroker.Testing;

namespace TlsBroker.Cli.Tests.Infrastructure;

/// <summary>The socket and line reads the client tests make against peers on 127.0.0.1, each bounded by <see cref="TestTimeouts.Step"/>.</summary>
internal static class LoopbackIo
{
    public static async Task<Socket> ConnectSocketAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).WaitAsync(TestTimeouts.Step);
        return socket;
    }

    /// <summary>One line of ASCII, without its newline; what came before the end of the stream if it ends first.</summary>
    public static async Task<string> ReadLineAsync(Stream stream)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (await stream.ReadAsync(one).AsTask().WaitAsync(TestTimeouts.Step) == 1 && one[0] != '\n')
        {
            line.Append((char)one[0]);
        }

        return line.ToString();
    }
}
