using System.Net;
using System.Net.Sockets;

namespace TlsBroker.Bench.Server;

/// <summary>
/// A multi-connection TLS server on 127.0.0.1 for the bench: it accepts TCP connections and hands each
/// to a <see cref="BenchConnectionServer"/> (TLS 1.2 and 1.3, the protocol of <see cref="BenchRequest"/>).
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    /// <summary>
    /// Connections waiting to be accepted (listen(2) backlog; the kernel caps it at net.core.somaxconn): the idle
    /// phase opens handshakes 32 at a time, and the handshake phases at most --concurrency at once.
    /// </summary>
    private const int Backlog = 4096;

    private readonly Socket listener;
    private readonly CancellationTokenSource stopping = new();
    private readonly BenchConnectionServer connections;
    private readonly Task acceptLoop;

    private BenchServer(Socket listener, BenchCertificateChain chain)
    {
        this.listener = listener;
        connections = new BenchConnectionServer(chain, stopping.Token);
        acceptLoop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndPoint!).Port;

    /// <summary>Connections that ended with an error (handshake failure, reset, timeout).</summary>
    public long Failed => connections.Failed;

    public long Served => connections.Served;

    public static BenchServer Start(int port, BenchCertificateChain chain)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
            listener.Listen(Backlog);
            return new BenchServer(listener, chain);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Dispose();
        await acceptLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await listener.AcceptAsync(stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException && stopping.IsCancellationRequested)
            {
                return;
            }

            connection.NoDelay = true;
            _ = ServeAsync(connection);
        }
    }

    private Task ServeAsync(Socket connection) => connections.ServeAsync(new NetworkStream(connection, ownsSocket: true));
}
