using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace TlsBroker.Conformance.Peers;

/// <summary>
/// A TLS server on 127.0.0.1 built on <see cref="SslStream"/> (OpenSSL underneath on Linux), for
/// the behaviours no stock tool offers: a binary, full-duplex <c>echo</c>, the <c>sink</c> (answers
/// after the client's close_notify, then sends its own) and <c>closeWithoutNotify</c> (ends TCP with
/// no close_notify).
/// Each connection runs on its own, so clients may run cases in parallel.
/// </summary>
internal sealed class DotNetTlsPeer : IAsyncDisposable
{
    /// <summary>How long a connection may wait for the client to hang up after the peer is done with it.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    private readonly TcpListener listener;
    private readonly SslServerAuthenticationOptions options;
    private readonly Func<SslStream, CancellationToken, Task> serve;
    private readonly CancellationTokenSource stop = new();
    private readonly List<Task> connections = [];
    private readonly Task acceptLoop;

    private DotNetTlsPeer(SslStreamCertificateContext certificate, Func<SslStream, CancellationToken, Task> serve)
    {
        this.serve = serve;
        options = new SslServerAuthenticationOptions { ServerCertificateContext = certificate, ClientCertificateRequired = false };
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        acceptLoop = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>
    /// Sends back every byte as it arrives, whatever the bytes are, for as long as the client writes;
    /// after the client's close_notify it sends its own and closes. (gnutls-serv --echo cannot serve
    /// here: it answers only once a line ends, keeps the request as a C string, so a NUL byte cuts it,
    /// and drops every connection 30 s after accepting it; src/serv.c.)
    /// </summary>
    public static DotNetTlsPeer Echo(SslStreamCertificateContext certificate) => new(certificate, async (tls, token) =>
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await tls.ReadAsync(buffer, token)) > 0)
        {
            await tls.WriteAsync(buffer.AsMemory(0, read), token);
        }

        await tls.ShutdownAsync();
    });

    /// <summary>
    /// Reads until the client's close_notify (SslStream's read returns 0), answers
    /// <c>"&lt;byte count&gt; &lt;sha256 hex&gt;\n"</c>, then sends its own close_notify
    /// (<see cref="SslStream.ShutdownAsync"/>) and closes.
    /// </summary>
    public static DotNetTlsPeer Sink(SslStreamCertificateContext certificate) => new(certificate, async (tls, token) =>
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long count = 0;
        int read;
        while ((read = await tls.ReadAsync(buffer, token)) > 0)
        {
            count += read;
            sha256.AppendData(buffer, 0, read);
        }

        var answer = string.Create(CultureInfo.InvariantCulture, $"{count} {Convert.ToHexStringLower(sha256.GetHashAndReset())}\n");
        await tls.WriteAsync(Encoding.ASCII.GetBytes(answer), token);
        await tls.ShutdownAsync();
    });

    /// <summary>Sends <paramref name="greeting"/> after the handshake, then ends TCP without close_notify.</summary>
    public static DotNetTlsPeer ClosingWithoutNotify(SslStreamCertificateContext certificate, string greeting) => new(certificate, async (tls, token) =>
    {
        await tls.WriteAsync(Encoding.UTF8.GetBytes(greeting), token);
        await tls.FlushAsync(token);
    });

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        Task[] running;
        lock (connections)
        {
            running = [acceptLoop, .. connections];
        }

        await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            lock (connections)
            {
                connections.RemoveAll(connection => connection.IsCompleted);
                connections.Add(ServeAsync(socket));
            }
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            try
            {
                await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: true);
                await tls.AuthenticateAsServerAsync(options, stop.Token);
                await serve(tls, stop.Token);

                // Half-close, then wait for the client to hang up: closing a socket that still has
                // unread input sends RST (RFC 1122 §4.2.2.13), which a client would see as a reset,
                // not as the end of the stream this peer means to show it.
                socket.Shutdown(SocketShutdown.Send);
                using var drain = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                drain.CancelAfter(DrainTimeout);
                var buffer = new byte[16 * 1024];
                while (await socket.ReceiveAsync(buffer, drain.Token) > 0)
                {
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
            {
                // The client went away or failed its handshake: this connection is over, the peer serves the next.
            }
        }
    }
}
