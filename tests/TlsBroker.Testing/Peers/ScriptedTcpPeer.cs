using System.Net;
using System.Net.Sockets;

namespace TlsBroker.Testing.Peers;

/// <summary>
/// A misbehaving "server" on 127.0.0.1: for every connection it reads the client's first TLS
/// record (the ClientHello) and then does what the script says: send non-TLS bytes, hang up ...
/// </summary>
public sealed class ScriptedTcpPeer : IAsyncDisposable
{
    private const byte AlertContentType = 21;

    private readonly List<byte> alertsRead = [];
    private readonly TcpListener listener;
    private readonly CancellationTokenSource stop = new();
    private readonly Task acceptLoop;

    private ScriptedTcpPeer(Func<ScriptedTcpPeer, NetworkStream, CancellationToken, Task> afterHello)
    {
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        acceptLoop = AcceptAsync(afterHello);
    }

    public int Port { get; }

    /// <summary>How many ClientHello records the peer has read, over all connections.</summary>
    public int HellosRead { get; private set; }

    /// <summary>
    /// The description of every plaintext alert a client sent in answer to a scripted reply, over all connections
    /// (an oracle: what OpenSSL sends to the same bytes).
    /// </summary>
    public IReadOnlyList<byte> AlertsRead => alertsRead;

    /// <summary>Answers the ClientHello with <paramref name="reply"/>, notes the alert the client answers with, then closes.</summary>
    public static ScriptedTcpPeer Replying(byte[] reply) => new ScriptedTcpPeer(async (peer, stream, token) =>
    {
        await stream.WriteAsync(reply, token);
        var (type, body) = await ReadRecordAsync(stream, token);

        // RFC 8446 §5.1 / RFC 5246 §7.2: an alert record, unencrypted before the handshake completes, is level + description.
        if (type == AlertContentType && body.Length == 2)
        {
            peer.alertsRead.Add(body[1]);
        }
    });

    /// <summary>Closes the connection as soon as the ClientHello has arrived.</summary>
    public static ScriptedTcpPeer HangingUp() => new((_, _, _) => Task.CompletedTask);

    /// <summary>Reads the ClientHello and never answers, holding the connection until disposed: a server that hangs.</summary>
    public static ScriptedTcpPeer Silent() => new((_, _, token) => Task.Delay(Timeout.Infinite, token));

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        try
        {
            await acceptLoop.WaitAsync(TestTimeouts.Step);
        }
        catch (OperationCanceledException)
        {
            // The loop ends by cancellation: that is how it stops.
        }

        stop.Dispose();
    }

    /// <summary>Reads one whole TLS record: a 5-byte header, then the length it gives (RFC 8446 §5.1).</summary>
    private static async Task<(byte Type, byte[] Body)> ReadRecordAsync(NetworkStream stream, CancellationToken token)
    {
        var header = new byte[5];
        await stream.ReadExactlyAsync(header, token);
        var body = new byte[(header[3] << 8) | header[4]];
        await stream.ReadExactlyAsync(body, token);
        return (header[0], body);
    }

    private async Task AcceptAsync(Func<ScriptedTcpPeer, NetworkStream, CancellationToken, Task> afterHello)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            using (client)
            {
                var stream = client.GetStream();
                try
                {
                    await ReadRecordAsync(stream, stop.Token);
                    HellosRead++;
                    await afterHello(this, stream, stop.Token);
                }
                catch (Exception e) when (e is IOException or EndOfStreamException or OperationCanceledException)
                {
                    // The client went away first; the next connection gets the script again.
                }
            }
        }
    }
}
