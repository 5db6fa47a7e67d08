using System.Net;
using System.Net.Sockets;

namespace TlsBroker.Bench;

/// <summary>The TLS server every path connects to, resolved once so that name lookups stay out of the figures.</summary>
internal sealed record BenchTarget(IPEndPoint EndPoint, string Display, string ServerName, bool IsLocalServer)
{
    /// <summary>A new TCP connection to the target (Nagle off, as TLS clients do).</summary>
    public Task<Socket> ConnectAsync(CancellationToken cancellationToken) => ConnectAsync(sources: null, cancellationToken);

    /// <summary>A new TCP connection from the next of <paramref name="sources"/> (the kernel's choice when null).</summary>
    public async Task<Socket> ConnectAsync(LoopbackSources? sources, CancellationToken cancellationToken)
    {
        var socket = new Socket(EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            sources?.Bind(socket);
            await socket.ConnectAsync(EndPoint, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
