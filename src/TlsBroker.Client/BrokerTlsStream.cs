using System.Buffers;
using System.Net.Sockets;
using Google.Protobuf;
using TlsBroker.Contracts.V1;

namespace TlsBroker.Client;

/// <summary>
/// An established TLS session: a <see cref="Stream"/> whose reads and writes are the
/// application data, encrypted and decrypted by the broker over one <c>Connect</c> stream
/// (SSL_read, SSL_write, SSL_shutdown) while the bytes travel over the caller's transport.
/// One reader and one writer may work at the same time.
/// </summary>
/// <remarks>
/// Reads return 0 when the server ended the session: with close_notify (<see cref="SessionEnd"/>
/// is ret 0 SSL_ERROR_ZERO_RETURN) or by closing TCP without it (<see cref="IsUnexpectedEof"/>,
/// SSL_ERROR_SYSCALL, which OpenSSL 3 reports as "unexpected eof while reading"). A TLS error
/// in the data phase throws <see cref="BrokerTlsException"/>.
/// </remarks>
public sealed class BrokerTlsStream : Stream
{
    /// <summary>
    /// The most bytes one Received or Write request carries: a bulk transfer costs one broker
    /// exchange per burst instead of one per record. It stays below .NET's large-object threshold
    /// (85,000 bytes): every buffer a message passes through is then a short-lived small object,
    /// where 256 KiB messages made each process fault in fresh large-object pages and run
    /// background GCs (measured: 20–25 ms of CPU per MB through the broker, against 15 at 64 KiB).
    /// </summary>
    internal const int MaxBytesPerRequest = 64 * 1024;

    // One TLS record carries at most 2^14 bytes of plaintext (RFC 8446 §5.1), plus its header and expansion.
    private const int MaxRecordBytes = 16 * 1024 + 1024;

    private readonly PipelinedBrokerCall call;
    private readonly Stream transport;
    private readonly bool leaveTransportOpen;
    private readonly byte[] receiveBuffer = new byte[MaxRecordBytes];
    private readonly PlaintextSender sender;
    private ReadOnlyMemory<byte> undelivered;

    // Received data sent to the broker before the reader asked for it; its answer is the next plaintext.
    private Task<ConnectResponse>? receivedAhead;
    private BrokerTlsResult? sessionEnd;
    private bool shutdownSent;
    private int disposed;

    internal BrokerTlsStream(PipelinedBrokerCall call, Stream transport, BrokerTlsSessionInfo sessionInfo, ReadOnlyMemory<byte> earlyPlaintext, bool leaveTransportOpen)
    {
        this.call = call;
        this.transport = transport;
        this.leaveTransportOpen = leaveTransportOpen;
        sender = new PlaintextSender(call, RecordEnd);
        SessionInfo = sessionInfo;
        undelivered = earlyPlaintext;
    }

    /// <summary>What the handshake negotiated.</summary>
    public BrokerTlsSessionInfo SessionInfo { get; }

    /// <summary>
    /// The latest resumption token the broker gave for this session, to pass as
    /// <see cref="BrokerTlsOptions.ResumptionToken"/> next time; null when there is none (no keys in
    /// the broker, or a server that issued no ticket). A TLS 1.3 server sends its tickets after the
    /// handshake, so the token appears once a read has passed them to the broker. A secret: whoever
    /// holds it can resume the session through the broker.
    /// </summary>
    public byte[]? ResumptionToken => call.ResumptionToken;

    /// <summary>The status that ended the session (close_notify, EOF or an error); null while it is open.</summary>
    public BrokerTlsResult? SessionEnd => Volatile.Read(ref sessionEnd);

    /// <summary>True when the server closed TCP without sending close_notify (SSL_ERROR_SYSCALL).</summary>
    public bool IsUnexpectedEof => SessionEnd?.Error == SslError.Syscall;

    public override bool CanRead => disposed == 0;

    public override bool CanWrite => disposed == 0;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed != 0, this);
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

            if (SessionEnd is { } end)
            {
                // SSL_read(3): after SSL_ERROR_SSL no further I/O may be performed on the connection.
                return end.Error == SslError.Ssl ? throw new BrokerTlsException(end) : 0;
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
                var received = await ReadFromTransportAsync(cancellationToken);
                endOfStreamSent = received.IsEmpty;
                answer = await SendReceivedAsync(received, cancellationToken);
            }

            // What the socket already holds goes to the broker before this answer is awaited, so
            // that the broker decrypts the next burst while this one travels back.
            if (!endOfStreamSent && transport is NetworkStream { DataAvailable: true })
            {
                receivedAhead = await SendReceivedAsync(await ReadFromTransportAsync(cancellationToken), cancellationToken);
            }

            var response = await call.AwaitAnswerAsync(answer, cancellationToken);
            undelivered = response.Plaintext.Memory;
            if (response.Error is not (SslError.None or SslError.WantRead))
            {
                RecordEnd(BrokerTlsResult.From(response));
            }
        }
    }

    /// <summary>
    /// Copies <paramref name="buffer"/> into the send buffer and returns; the broker encrypts it and
    /// it goes out on the transport soon after, as a socket's send buffer would. A write the broker
    /// refused throws from a later write or from <see cref="FlushAsync(CancellationToken)"/>.
    /// </summary>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed != 0, this);
        ThrowIfCannotWrite();
        return sender.WriteAsync(buffer, cancellationToken);
    }

    /// <summary>
    /// Sends close_notify (SSL_shutdown) and stops writing. Reads may go on until the server
    /// closes. Disposing the stream does this too, but cannot report a failure.
    /// </summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed != 0, this);
        if (shutdownSent || SessionEnd is not null)
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

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Waits until every write so far is on the transport, and throws if the broker refused one.</summary>
    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed != 0, this);
        await sender.FlushAsync(cancellationToken);
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await CloseCallAsync();
        }
        finally
        {
            await call.DisposeAsync();
            if (!leaveTransportOpen)
            {
                await transport.DisposeAsync();
            }

            await base.DisposeAsync();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    private async Task CloseCallAsync()
    {
        if (call.Interrupted)
        {
            return;
        }

        try
        {
            await sender.FlushAsync(CancellationToken.None);

            if (!shutdownSent && SessionEnd is null)
            {
                shutdownSent = true;
                await call.ExchangeAsync(new ConnectRequest { Shutdown = new Shutdown() }, CancellationToken.None);
            }

            await call.CompleteAsync();
        }
        catch (Exception e) when (e is IOException or TimeoutException or Grpc.Core.RpcException or OperationCanceledException or ObjectDisposedException)
        {
            // Dispose must not throw: a broker or transport that is already gone leaves nothing to
            // close politely, and disposing the call cancels it anyway. ShutdownAsync reports such failures.
        }
    }

    private Task<Task<ConnectResponse>> SendReceivedAsync(ByteString received, CancellationToken cancellationToken) =>
        call.SendAsync(new ConnectRequest { Received = new Received { Data = received, Eof = received.IsEmpty } }, cancellationToken);

    private void ThrowIfCannotWrite()
    {
        if (SessionEnd is { } end)
        {
            throw end.Error == SslError.Ssl
                ? new BrokerTlsException(end)
                : new IOException($"the TLS session has ended ({end.ErrorName}); nothing more can be written");
        }

        if (shutdownSent)
        {
            throw new IOException("close_notify was sent; nothing more can be written");
        }
    }

    /// <summary>
    /// One read of the transport, plus whatever a socket already holds beyond it when that read
    /// filled the buffer. The receive buffer itself stays one record large, so an idle stream with a
    /// pending read holds little; the larger buffer is borrowed only while bytes are queued.
    /// </summary>
    private async ValueTask<ByteString> ReadFromTransportAsync(CancellationToken cancellationToken)
    {
        var received = await transport.ReadAsync(receiveBuffer, cancellationToken);
        if (received < receiveBuffer.Length || transport is not NetworkStream { DataAvailable: true } socket)
        {
            return ByteString.CopyFrom(receiveBuffer, 0, received);
        }

        var burst = ArrayPool<byte>.Shared.Rent(MaxBytesPerRequest);
        try
        {
            receiveBuffer.CopyTo(burst, 0);
            var length = received;
            while (length < MaxBytesPerRequest && socket.DataAvailable)
            {
                // DataAvailable: this read completes at once. A 0 here is the server's FIN, which
                // the next read reports on its own.
                var more = await socket.ReadAsync(burst.AsMemory(length, MaxBytesPerRequest - length), cancellationToken);
                if (more == 0)
                {
                    break;
                }

                length += more;
            }

            return ByteString.CopyFrom(burst, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(burst);
        }
    }

    private void RecordEnd(BrokerTlsResult result) => Interlocked.CompareExchange(ref sessionEnd, result, null);
}
