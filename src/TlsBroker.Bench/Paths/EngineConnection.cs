using System.Net.Sockets;
using TlsBroker.Core.Engine;
using TlsBroker.Core.Results;

namespace TlsBroker.Bench.Paths;

/// <summary>
/// The bench's own pump for the engine path: what <see cref="TlsClientSession"/> returns goes to the
/// socket, what the socket delivers goes to the session, as the broker does with gRPC messages.
/// </summary>
internal sealed class EngineConnection : IBenchConnection
{
    private readonly Socket socket;
    private readonly TlsClientSession session;
    private readonly byte[] receiveBuffer = new byte[32 * 1024];
    private ReadOnlyMemory<byte> undelivered;
    private bool ended;

    public EngineConnection(Socket socket, TlsClientSession session)
    {
        this.socket = socket;
        this.session = session;
    }

    /// <summary>SSL_connect's loop: Start, then socket bytes in until the result is not -1/WANT_READ.</summary>
    /// <exception cref="BenchTlsException">The handshake failed (SSL error, alert or verification).</exception>
    public async Task HandshakeAsync(SessionStart start, CancellationToken cancellationToken)
    {
        var result = session.Start(start);
        await SendAsync(result, cancellationToken);
        while (result is { Ret: -1, Error: SslError.WantRead })
        {
            var read = await socket.ReceiveAsync(receiveBuffer, cancellationToken);
            result = session.Receive(receiveBuffer.AsSpan(0, read), endOfStream: read == 0);
            await SendAsync(result, cancellationToken);
        }

        if (result.Ret != 1)
        {
            throw new BenchTlsException($"engine handshake failed: {Describe(result)}");
        }

        undelivered = result.Plaintext;
    }

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (undelivered.IsEmpty && !ended)
        {
            var read = await socket.ReceiveAsync(receiveBuffer, cancellationToken);
            var result = session.Receive(receiveBuffer.AsSpan(0, read), endOfStream: read == 0);
            await SendAsync(result, cancellationToken);
            undelivered = result.Plaintext;

            // SSL_read(3): > 0 is data, -1/WANT_READ needs more input; ZERO_RETURN or SYSCALL (EOF) end the session.
            if (result.Ret <= 0 && result.Error != SslError.WantRead)
            {
                ended = true;
                if (result.Error == SslError.Ssl)
                {
                    throw new BenchTlsException($"engine read failed: {Describe(result)}");
                }
            }
        }

        var count = Math.Min(buffer.Length, undelivered.Length);
        undelivered[..count].CopyTo(buffer);
        undelivered = undelivered[count..];
        return count;
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken)
    {
        var result = session.Write(plaintext.Span);
        if (result.Ret <= 0)
        {
            throw new BenchTlsException($"engine write failed: {Describe(result)}");
        }

        await socket.SendAsync(result.RecordsToSend, cancellationToken);
    }

    public async ValueTask ShutdownAsync(CancellationToken cancellationToken)
    {
        if (session.Phase == SessionPhase.Established)
        {
            await SendAsync(session.Shutdown(), cancellationToken);
        }
    }

    public ValueTask DisposeAsync()
    {
        session.Dispose();
        socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string Describe(StepResult result) =>
        $"ret={result.Ret} error={result.Error} alert={result.Alert?.ToString() ?? "none"} verify={result.Verify} {result.Reason}";

    private async ValueTask SendAsync(StepResult result, CancellationToken cancellationToken)
    {
        if (!result.RecordsToSend.IsEmpty)
        {
            await socket.SendAsync(result.RecordsToSend, cancellationToken);
        }
    }
}
