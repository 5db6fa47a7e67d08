using System.Net.Sockets;
using Google.Protobuf;
using Grpc.Core;
using TlsBroker.Contracts.V1;

namespace TlsBroker.Client;

/// <summary>
/// The data path through the broker (SSL_read, SSL_write, SSL_shutdown over the <c>Connect</c> call): what the server
/// sends goes to the broker and comes back as plaintext, and writes go out through a <see cref="PlaintextSender"/>.
/// </summary>
internal sealed class BrokerDataPath : IDataPath
{
    private readonly Stream transport;
    private readonly PipelinedBrokerCall call;
    private readonly int maxPayloadBytes;
    private readonly PlaintextSender sender;
    private ReadOnlyMemory<byte> undelivered;

    // Received data sent to the broker before the reader asked for it; its answer is the next plaintext.
    private Task<ConnectResponse>? receivedAhead;
    private BrokerTlsResult? end;
    private bool shutdownSent;

    /// <param name="transport">The connection to the server.</param>
    /// <param name="established">The handshake's outcome, whose call carries the data.</param>
    /// <param name="end">How the session already ended (a record completed before a key export ended it); null while open.</param>
    public BrokerDataPath(Stream transport, EstablishedSession established, BrokerTlsResult? end)
    {
        this.transport = transport;
        call = established.Call;
        maxPayloadBytes = established.MaxPayloadBytes;
        this.end = end;
        sender = new PlaintextSender(call, maxPayloadBytes, RecordEnd);
    }

    public BrokerTlsResult? End => Volatile.Read(ref end);

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var endOfStreamSent = false;
        while (true)
        {
            if (!undelivered.IsEmpty)
            {
                var count = Math.Min(buffer.Length, undelivered.Length);
                undelivered[..count].CopyTo(buffer);
                undelivered = undelivered[count..];
                return count;
            }

            if (End is { } ended)
            {
                // SSL_read(3): after SSL_ERROR_SSL no further I/O may be performed; SSL_ERROR_SYSCALL
                // with an EOF means the peer closed without close_notify, which OpenSSL 3 reports as
                // an error ("unexpected eof while reading"): the data may be truncated.
                return ended.Error is SslErrorCode.Ssl or SslErrorCode.Syscall ? throw new BrokerTlsException(ended) : 0;
            }

            if (buffer.IsEmpty)
            {
                return 0;
            }

            if (endOfStreamSent)
            {
                throw new IOException("the broker kept the session open after the server closed TCP");
            }

            Task<ConnectResponse> answer;
            if (receivedAhead is { } ahead)
            {
                receivedAhead = null;
                answer = ahead;
            }
            else
            {
                var received = await TransportReader.ReadAsync(transport, maxPayloadBytes, cancellationToken);
                endOfStreamSent = received.IsEmpty;
                answer = await SendReceivedAsync(received, cancellationToken);
            }

            // What the socket already holds goes to the broker before this answer is awaited, so
            // that the broker decrypts the next burst while this one travels back.
            if (!endOfStreamSent && transport is NetworkStream { DataAvailable: true })
            {
                receivedAhead = await SendReceivedAsync(await TransportReader.ReadAsync(transport, maxPayloadBytes, cancellationToken), cancellationToken);
            }

            var response = await call.AwaitAnswerAsync(answer, cancellationToken);
            undelivered = response.Plaintext.Memory;
            if (response.Error is not (SslError.None or SslError.WantRead))
            {
                RecordEnd(BrokerTlsResult.From(response));
            }
        }
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        ThrowIfCannotWrite();
        return sender.WriteAsync(buffer, cancellationToken);
    }

    public Task FlushAsync(CancellationToken cancellationToken) => sender.FlushAsync(cancellationToken);

    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        if (shutdownSent || End is not null)
        {
            return;
        }

        await FlushAsync(cancellationToken);
        shutdownSent = true;
        var response = await call.ExchangeAsync(new ConnectRequest { Shutdown = new Shutdown() }, cancellationToken);
        if (response.Error is SslError.Ssl or SslError.Syscall)
        {
            var result = BrokerTlsResult.From(response);
            RecordEnd(result);
            throw new BrokerTlsException(result);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseCallAsync();
        await call.DisposeAsync();
    }

    private Task<Task<ConnectResponse>> SendReceivedAsync(ByteString received, CancellationToken cancellationToken) =>
        call.SendAsync(new ConnectRequest { Received = new Received { Data = received, Eof = received.IsEmpty } }, cancellationToken);

    private async Task CloseCallAsync()
    {
        if (call.Interrupted)
        {
            return;
        }

        try
        {
            await sender.FlushAsync(CancellationToken.None);

            if (!shutdownSent && End is null)
            {
                shutdownSent = true;
                await call.ExchangeAsync(new ConnectRequest { Shutdown = new Shutdown() }, CancellationToken.None);
            }

            await call.CompleteAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or TimeoutException or RpcException or OperationCanceledException or ObjectDisposedException)
        {
            // Dispose must not throw: a broker or transport that is already gone leaves nothing to
            // close politely, and disposing the call cancels it anyway. ShutdownAsync reports such failures.
        }
    }

    private void ThrowIfCannotWrite()
    {
        if (End is { } ended)
        {
            throw ended.Error == SslErrorCode.Ssl
                ? new BrokerTlsException(ended)
                : new IOException($"the TLS session has ended ({ended.ErrorName}); nothing more can be written");
        }

        if (shutdownSent)
        {
            throw new IOException("close_notify was sent; nothing more can be written");
        }
    }

    private void RecordEnd(BrokerTlsResult result) => Interlocked.CompareExchange(ref end, result, null);
}
