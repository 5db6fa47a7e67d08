using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using TlsBroker.Client.RecordLayer;
using TlsBroker.Contracts.V1;

namespace TlsBroker.Client;

/// <summary>
/// A TLS client session run by a TlsBroker over your own connection to the server, used like
/// <see cref="SslStream"/>: wrap the connected stream, call <see cref="AuthenticateAsClientAsync"/>,
/// then read and write application data. The broker runs the handshake and makes the trust
/// decisions, and encrypts and decrypts over one <c>Connect</c> stream (SSL_connect, SSL_read,
/// SSL_write, SSL_shutdown) while the bytes travel over the inner stream. One reader and one
/// writer may work at the same time.
/// </summary>
/// <remarks>
/// Reads return 0 once the server closed the session with close_notify (<see cref="SessionEnd"/>
/// is ret 0 SSL_ERROR_ZERO_RETURN). A server that closes TCP without close_notify makes the read
/// throw <see cref="BrokerTlsException"/> (an <see cref="IOException"/>, "unexpected eof while
/// reading", as OpenSSL 3 reports it), since the data may be truncated; so does a fatal alert.
/// </remarks>
public sealed class BrokerTlsStream : AuthenticatedStream
{
    private readonly Stream transport;
    private EstablishedSession? session;
    private PlaintextSender? sender;
    private ExportedRecordLayer? recordLayer;
    private ReadOnlyMemory<byte> undelivered;

    // Received data sent to the broker before the reader asked for it; its answer is the next plaintext.
    private Task<ConnectResponse>? receivedAhead;
    private BrokerTlsResult? sessionEnd;
    private bool shutdownSent;
    private int authenticating;
    private int disposed;

    /// <summary>Wraps <paramref name="innerStream"/>, a stream connected to the server (usually a <see cref="NetworkStream"/>).</summary>
    /// <param name="innerStream">The connection to the server; the TLS records travel over it.</param>
    /// <param name="leaveInnerStreamOpen">True to leave <paramref name="innerStream"/> open when this stream is disposed.</param>
    public BrokerTlsStream(Stream innerStream, bool leaveInnerStreamOpen = false)
        : base(innerStream, leaveInnerStreamOpen)
    {
        transport = innerStream;
    }

    /// <summary>True once the handshake completed and the broker verified the server.</summary>
    public override bool IsAuthenticated => session is not null;

    /// <summary>True when the server asked for a client certificate and the broker presented the policy's identity.</summary>
    public override bool IsMutuallyAuthenticated => session?.Info.ClientCertificateSent ?? false;

    /// <summary>True once authenticated: every TLS 1.2 and 1.3 cipher suite encrypts.</summary>
    public override bool IsEncrypted => IsAuthenticated;

    /// <summary>True once authenticated: every TLS 1.2 and 1.3 cipher suite protects integrity.</summary>
    public override bool IsSigned => IsAuthenticated;

    /// <summary>False: the broker runs the client side only.</summary>
    public override bool IsServer => false;

    /// <summary>The server name the session was opened for (the options' <see cref="BrokerTlsClientOptions.TargetHost"/>).</summary>
    public string TargetHost { get; private set; } = string.Empty;

    /// <summary>What the handshake negotiated, including the broker's session id and the verification result.</summary>
    /// <exception cref="InvalidOperationException">The stream is not authenticated.</exception>
    public BrokerTlsSessionInfo SessionInfo => Established.Info;

    /// <summary>The negotiated protocol: <see cref="SslProtocols.Tls13"/> or <see cref="SslProtocols.Tls12"/>; <see cref="SslProtocols.None"/> before the handshake.</summary>
    public SslProtocols SslProtocol => session?.Info.ProtocolVersion switch
    {
        "TLSv1.3" => SslProtocols.Tls13,
        "TLSv1.2" => SslProtocols.Tls12,
        _ => SslProtocols.None,
    };

    /// <summary>The negotiated cipher suite; its IANA name is <see cref="CipherSuiteName"/>.</summary>
    /// <exception cref="InvalidOperationException">The stream is not authenticated.</exception>
    public TlsCipherSuite NegotiatedCipherSuite =>
        Enum.TryParse<TlsCipherSuite>(CipherSuiteName, out var suite) ? suite : throw new NotSupportedException($"unknown cipher suite {CipherSuiteName}");

    /// <summary>The negotiated cipher suite's IANA name, e.g. "TLS_AES_128_GCM_SHA256".</summary>
    /// <exception cref="InvalidOperationException">The stream is not authenticated.</exception>
    public string CipherSuiteName => Established.Info.CipherSuite;

    /// <summary>The ALPN protocol the server selected; <c>default</c> when none.</summary>
    public SslApplicationProtocol NegotiatedApplicationProtocol =>
        session?.Info.Alpn is { } alpn ? new SslApplicationProtocol(alpn) : default;

    /// <summary>The server's certificate; null before the handshake. Its whole chain is <see cref="BrokerTlsSessionInfo.PeerCertificates"/>.</summary>
    public X509Certificate2? RemoteCertificate => session?.Info.PeerCertificates is { Count: > 0 } chain ? chain[0] : null;

    /// <summary>The status that ended the session (close_notify, EOF or an error); null while it is open.</summary>
    public BrokerTlsResult? SessionEnd => recordLayer is { } layer ? layer.End : Volatile.Read(ref sessionEnd);

    /// <summary>
    /// True when the broker handed the session's keys over (<see cref="BrokerTlsClientOptions.ExportKeysAfterHandshake"/>):
    /// this stream runs the record layer itself and the broker is no longer on the data path.
    /// </summary>
    public bool KeysExported => recordLayer is not null;

    /// <inheritdoc/>
    public override bool CanRead => disposed == 0 && IsAuthenticated;

    /// <inheritdoc/>
    public override bool CanWrite => disposed == 0 && IsAuthenticated;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    private EstablishedSession Established => session ?? throw new InvalidOperationException("the TLS stream is not authenticated: call AuthenticateAsClientAsync first");

    /// <summary>
    /// Runs the TLS handshake through the broker over the inner stream, within
    /// <see cref="BrokerTlsClientOptions.Timeout"/>; on success the stream carries application data.
    /// </summary>
    /// <param name="options">The server name, ALPN, broker, policy, API key, timeout and session cache.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <exception cref="BrokerTlsCertificateException">The broker did not verify the server; <c>Verify</c> says why.</exception>
    /// <exception cref="BrokerTlsAuthenticationException">The handshake failed otherwise (an alert, the server closed); <c>Result</c> says how.</exception>
    /// <exception cref="BrokerUnavailableException">The broker could not be reached.</exception>
    /// <exception cref="BrokerAccessDeniedException">The broker refused the policy, the server name or the caller's credentials.</exception>
    /// <exception cref="BrokerException">The broker refused the request for another reason.</exception>
    /// <exception cref="TimeoutException">The handshake did not complete within the timeout.</exception>
    /// <exception cref="IOException">The inner stream failed.</exception>
    public async Task AuthenticateAsClientAsync(BrokerTlsClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.TargetHost, $"{nameof(options)}.{nameof(options.TargetHost)}");
        var broker = options.Broker ?? throw new ArgumentException("the broker channel is required", $"{nameof(options)}.{nameof(options.Broker)}");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Timeout, TimeSpan.Zero, $"{nameof(options)}.{nameof(options.Timeout)}");
        ObjectDisposedException.ThrowIf(disposed != 0, this);
        if (Interlocked.Exchange(ref authenticating, 1) != 0)
        {
            throw new InvalidOperationException("AuthenticateAsClientAsync may be called once per stream");
        }

        TargetHost = options.TargetHost;
        var established = await BrokerHandshake.RunAsync(transport, broker, options.TargetHost, options, cancellationToken);
        undelivered = established.EarlyPlaintext;
        if (options.ExportKeysAfterHandshake)
        {
            recordLayer = await TakeKeysAsync(established, cancellationToken);
        }

        if (recordLayer is null)
        {
            sender = new PlaintextSender(established.Call, established.MaxPayloadBytes, RecordEnd);
        }

        session = established;
    }

    /// <summary>Reads decrypted application data: 0 after the server's close_notify.</summary>
    /// <param name="buffer">Where to put the data.</param>
    /// <param name="cancellationToken">Cancels the wait for the server (which is otherwise unbounded).</param>
    /// <exception cref="BrokerTlsException">A fatal alert, or the server closed TCP without close_notify.</exception>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed != 0, this);
        var call = Established.Call;
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

            if (recordLayer is { } layer)
            {
                return await layer.ReadAsync(buffer, cancellationToken);
            }

            if (SessionEnd is { } end)
            {
                // SSL_read(3): after SSL_ERROR_SSL no further I/O may be performed; SSL_ERROR_SYSCALL
                // with an EOF means the peer closed without close_notify, which OpenSSL 3 reports as
                // an error ("unexpected eof while reading"): the data may be truncated.
                return end.Error is SslErrorCode.Ssl or SslErrorCode.Syscall ? throw new BrokerTlsException(end) : 0;
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
                answer = await SendReceivedAsync(call, received, cancellationToken);
            }

            // What the socket already holds goes to the broker before this answer is awaited, so
            // that the broker decrypts the next burst while this one travels back.
            if (!endOfStreamSent && transport is NetworkStream { DataAvailable: true })
            {
                receivedAhead = await SendReceivedAsync(call, await ReadFromTransportAsync(cancellationToken), cancellationToken);
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
    /// it goes out on the inner stream soon after, as a socket's send buffer would. A write the broker
    /// refused throws from a later write or from <see cref="FlushAsync(CancellationToken)"/>.
    /// </summary>
    /// <param name="buffer">The application data.</param>
    /// <param name="cancellationToken">Cancels a wait for room in the send buffer.</param>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed != 0, this);
        _ = Established;
        if (recordLayer is { } layer)
        {
            return layer.WriteAsync(buffer, cancellationToken);
        }

        ThrowIfCannotWrite();
        return sender!.WriteAsync(buffer, cancellationToken);
    }

    /// <summary>
    /// Sends close_notify (SSL_shutdown) and stops writing. Reads may go on until the server
    /// closes. Disposing the stream does this too, but cannot report a failure.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public async Task ShutdownAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed != 0, this);
        var call = Established.Call;
        if (shutdownSent || SessionEnd is not null)
        {
            return;
        }

        if (recordLayer is { } layer)
        {
            shutdownSent = true;
            await layer.ShutdownAsync(cancellationToken);
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

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Waits until every write so far is on the inner stream, and throws if the broker refused one.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed != 0, this);
        if (sender is not null)
        {
            await sender.FlushAsync(cancellationToken);
        }
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>
    /// Sends close_notify if the session is still open (without throwing), ends the broker call,
    /// and disposes the inner stream unless it was to be left open.
    /// </summary>
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (recordLayer is { } layer)
            {
                await CloseRecordLayerAsync(layer);
                await session!.Call.DisposeAsync();
            }
            else if (session is { } established)
            {
                await CloseCallAsync(established.Call);
                await established.Call.DisposeAsync();
            }
        }
        finally
        {
            await base.DisposeAsync();
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    private static Task<Task<ConnectResponse>> SendReceivedAsync(PipelinedBrokerCall call, ByteString received, CancellationToken cancellationToken) =>
        call.SendAsync(new ConnectRequest { Received = new Received { Data = received, Eof = received.IsEmpty } }, cancellationToken);

    /// <summary>
    /// Asks the broker for the session's keys and builds the record layer from them; the broker's call then ends, and
    /// the keys' copies in the response are zeroed. A refusal (PERMISSION_DENIED, FAILED_PRECONDITION) ends the call.
    /// The rest of a record the handshake's last read ended inside goes to the broker first, and its plaintext joins
    /// the handshake's; when that record ended the session (an alert, the server closed TCP), there is nothing to
    /// export: null, and the stream stays on the broker's path, whose reads deliver the data and then the end.
    /// </summary>
    private async Task<ExportedRecordLayer?> TakeKeysAsync(EstablishedSession established, CancellationToken cancellationToken)
    {
        ExportedKeys? keys = null;
        try
        {
            var (plaintext, end) = await PartialRecord.CompleteAsync(transport, established, cancellationToken);
            undelivered = Concatenate(undelivered, plaintext);
            if (end is not null)
            {
                RecordEnd(end);
                return null;
            }

            var response = await established.Call.ExchangeAsync(new ConnectRequest { ExportKeys = new ExportKeys() }, cancellationToken);
            keys = response.ExportedKeys ?? throw new IOException("the broker answered the key export without keys");
            var layer = new ExportedRecordLayer(transport, keys);
            await established.Call.CompleteAsync();
            return layer;
        }
        catch
        {
            await established.Call.DisposeAsync();
            throw;
        }
        finally
        {
            if (keys is not null)
            {
                ByteString[] secrets = [keys.ClientTrafficSecret, keys.ServerTrafficSecret, keys.ClientWriteKey, keys.ServerWriteKey, keys.ClientWriteIv, keys.ServerWriteIv];
                foreach (var secret in secrets)
                {
                    CryptographicOperations.ZeroMemory(MemoryMarshal.AsMemory(secret.Memory).Span);
                }
            }
        }
    }

    private async Task CloseRecordLayerAsync(ExportedRecordLayer layer)
    {
        try
        {
            if (!shutdownSent && layer.End is null)
            {
                shutdownSent = true;
                await layer.ShutdownAsync(CancellationToken.None).WaitAsync(Established.Call.Timeout);
            }
        }
        catch (Exception e) when (e is IOException or TimeoutException or ObjectDisposedException or OperationCanceledException)
        {
            // Dispose must not throw: a connection already gone leaves nothing to close politely. ShutdownAsync reports such failures.
        }
        finally
        {
            layer.Dispose();
        }
    }

    private async Task CloseCallAsync(PipelinedBrokerCall call)
    {
        if (call.Interrupted)
        {
            return;
        }

        try
        {
            await sender!.FlushAsync(CancellationToken.None);

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

    private void ThrowIfCannotWrite()
    {
        if (SessionEnd is { } end)
        {
            throw end.Error == SslErrorCode.Ssl
                ? new BrokerTlsException(end)
                : new IOException($"the TLS session has ended ({end.ErrorName}); nothing more can be written");
        }

        if (shutdownSent)
        {
            throw new IOException("close_notify was sent; nothing more can be written");
        }
    }

    /// <summary>
    /// What the transport holds, up to the session's payload limit, in one read. The read waits for
    /// data with an empty buffer first (a zero-byte read), so an idle stream with a pending read
    /// holds no buffer, and the buffer borrowed then takes a whole burst in one receive call, where
    /// reading a record at a time cost a call and an availability check per record.
    /// </summary>
    private async ValueTask<ByteString> ReadFromTransportAsync(CancellationToken cancellationToken)
    {
        _ = await transport.ReadAsync(Memory<byte>.Empty, cancellationToken);
        var limit = Established.MaxPayloadBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(limit);
        try
        {
            var received = await transport.ReadAsync(buffer.AsMemory(0, limit), cancellationToken);
            return ByteString.CopyFrom(buffer, 0, received);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ReadOnlyMemory<byte> Concatenate(ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> second) =>
        first.IsEmpty ? second : second.IsEmpty ? first : (byte[])[.. first.Span, .. second.Span];

    private void RecordEnd(BrokerTlsResult result) => Interlocked.CompareExchange(ref sessionEnd, result, null);
}
