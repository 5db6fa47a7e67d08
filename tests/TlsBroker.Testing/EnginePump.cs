using System.Net;
using System.Net.Sockets;
using TlsBroker.Core.Engine;
using TlsBroker.Core.Results;

namespace TlsBroker.Testing;

/// <summary>
/// Drives a <see cref="TlsClientSession"/> over a real TCP connection to 127.0.0.1, as the broker's
/// caller would: every record the session returns is written to the socket, every byte read is
/// given back to the session, optionally in fragments of <see cref="FragmentSize"/> bytes so that
/// records arrive split across many Receive calls. Every socket wait is bounded by <see cref="TestTimeouts.Step"/>.
/// </summary>
public sealed class EnginePump : IAsyncDisposable
{
    private readonly TcpClient tcp;
    private readonly NetworkStream stream;
    private readonly List<StepResult> steps = [];
    private readonly Queue<byte> pending = new();
    private bool endOfStream;

    private EnginePump(TcpClient tcp, TlsClientSession session, int fragmentSize)
    {
        this.tcp = tcp;
        stream = tcp.GetStream();
        Session = session;
        FragmentSize = fragmentSize;
    }

    public TlsClientSession Session { get; }

    /// <summary>0: each socket read goes to the session whole; otherwise the size of every piece.</summary>
    public int FragmentSize { get; }

    /// <summary>Every result the session returned, in order.</summary>
    public IReadOnlyList<StepResult> Steps => steps;

    /// <summary>Plaintext gathered by <see cref="ReadAsync"/> and the handshake, in order.</summary>
    public MemoryStream Received { get; } = new();

    /// <summary>How many Receive calls the session got.</summary>
    public int ReceiveCalls { get; private set; }

    public static async Task<EnginePump> ConnectAsync(TlsClientSession session, int port, int fragmentSize = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fragmentSize);
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TestTimeouts.Step);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }

        return new EnginePump(tcp, session, fragmentSize);
    }

    /// <summary>Start, then the SSL_connect loop until ret is not -1/WANT_READ. Returns the final result.</summary>
    public async Task<StepResult> HandshakeAsync(SessionStart start)
    {
        var result = await SendAsync(Session.Start(start));
        while (IsWantRead(result))
        {
            result = await ReceiveStepAsync();
        }

        return result;
    }

    /// <summary>SSL_write: the records go to the socket at once.</summary>
    public Task<StepResult> WriteAsync(ReadOnlyMemory<byte> plaintext) => SendAsync(Session.Write(plaintext.Span));

    /// <summary>SSL_shutdown: our close_notify goes to the socket at once.</summary>
    public Task<StepResult> ShutdownAsync() => SendAsync(Session.Shutdown());

    /// <summary>SSL_read: feeds socket bytes until the session returns something other than WANT_READ.</summary>
    public async Task<StepResult> ReadAsync()
    {
        StepResult result;
        do
        {
            result = await ReceiveStepAsync();
        }
        while (IsWantRead(result));

        return result;
    }

    /// <summary>Reads until <paramref name="count"/> plaintext bytes have arrived or the session ends; returns the last result.</summary>
    public async Task<StepResult> ReadAtLeastAsync(int count)
    {
        StepResult result;
        do
        {
            result = await ReadAsync();
        }
        while (result.Ret > 0 && Received.Length < count);

        return result;
    }

    /// <summary>Reads until the session ends (ZERO_RETURN, SYSCALL or SSL); returns that result.</summary>
    public async Task<StepResult> ReadToEndAsync()
    {
        StepResult result;
        do
        {
            result = await ReadAsync();
        }
        while (result.Ret > 0);

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        Session.Dispose();
        await stream.DisposeAsync();
        tcp.Dispose();
    }

    private static bool IsWantRead(StepResult result) => result is { Ret: -1, Error: SslError.WantRead };

    /// <summary>One Receive call: the next fragment of what the socket delivered, reading the socket when nothing is left.</summary>
    private async Task<StepResult> ReceiveStepAsync()
    {
        if (pending.Count == 0 && !endOfStream)
        {
            var buffer = new byte[16 * 1024];
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TestTimeouts.Step);
            endOfStream = read == 0;
            for (var i = 0; i < read; i++)
            {
                pending.Enqueue(buffer[i]);
            }
        }

        var take = FragmentSize == 0 ? pending.Count : Math.Min(FragmentSize, pending.Count);
        var piece = new byte[take];
        for (var i = 0; i < take; i++)
        {
            piece[i] = pending.Dequeue();
        }

        ReceiveCalls++;
        var last = endOfStream && pending.Count == 0;
        return await SendAsync(Session.Receive(piece, last));
    }

    private async Task<StepResult> SendAsync(StepResult result)
    {
        steps.Add(result);
        if (!result.RecordsToSend.IsEmpty)
        {
            try
            {
                await stream.WriteAsync(result.RecordsToSend).AsTask().WaitAsync(TestTimeouts.Step);
            }
            catch (IOException) when (result.Ret == -1 && result.Error != SslError.WantRead)
            {
                // The session failed and the peer has already hung up: its last alert cannot be delivered.
            }
        }

        Received.Write(result.Plaintext.Span);
        return result;
    }
}
