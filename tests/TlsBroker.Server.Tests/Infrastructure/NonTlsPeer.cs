using System.Net;
using System.Net.Sockets;
using TlsBroker.Testing;

namespace TlsBroker.Server.Tests.Infrastructure;

/// <summary>
/// A TCP peer on 127.0.0.1 that is not a TLS server: it accepts one connection, waits for the
/// ClientHello and answers with <see cref="Reply"/>; then it either hangs up at once or keeps
/// the connection open until disposed.
/// </summary>
internal sealed class NonTlsPeer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly TaskCompletionSource disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task serve;

    private NonTlsPeer(byte[] reply, bool hangUp)
    {
        Reply = reply;
        listener.Start();
        serve = ServeAsync(hangUp);
    }

    public byte[] Reply { get; }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Answers the ClientHello with <paramref name="reply"/> and keeps the connection open.</summary>
    public static NonTlsPeer Answering(byte[] reply) => new(reply, hangUp: false);

    /// <summary>Reads the ClientHello and closes the connection without a word.</summary>
    public static NonTlsPeer HangingUp() => new([], hangUp: true);

    public async ValueTask DisposeAsync()
    {
        disposed.TrySetResult();
        listener.Stop();
        await serve.WaitAsync(TestTimeouts.Step);
    }

    private async Task ServeAsync(bool hangUp)
    {
        using var socket = await listener.AcceptSocketAsync().WaitAsync(TestTimeouts.Step);
        var clientHello = new byte[16 * 1024];
        await socket.ReceiveAsync(clientHello).WaitAsync(TestTimeouts.Step);
        await socket.SendAsync(Reply).WaitAsync(TestTimeouts.Step);
        if (!hangUp)
        {
            await disposed.Task;
        }

        socket.Shutdown(SocketShutdown.Both);
    }
}
