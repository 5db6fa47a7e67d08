using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

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
    private IDataPath? path;

    // Application data that came with the end of the handshake, delivered before any the data path reads.
    private ReadOnlyMemory<byte> earlyPlaintext;
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
    public BrokerTlsResult? SessionEnd => path?.End;

    /// <summary>
    /// True when the broker handed the session's keys over (<see cref="BrokerTlsClientOptions.ExportKeysAfterHandshake"/>):
    /// this stream runs the record layer itself and the broker is no longer on the data path.
    /// </summary>
    public bool KeysExported => path is ExportedDataPath;

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
    /// Runs the TLS handshake through the broker over the inner stream, and the key export when the options ask for it,
    /// all within one <see cref="BrokerTlsClientOptions.Timeout"/>; on success the stream carries application data.
    /// </summary>
    /// <param name="options">The server name, ALPN, broker, policy, API key, timeout and session cache.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <exception cref="BrokerTlsCertificateException">The broker did not verify the server; <c>Verify</c> says why.</exception>
    /// <exception cref="BrokerTlsAuthenticationException">The handshake failed otherwise (an alert, the server closed); <c>Result</c> says how.</exception>
    /// <exception cref="BrokerUnavailableException">The broker could not be reached.</exception>
    /// <exception cref="BrokerAccessDeniedException">The broker refused the policy, the server name or the caller's credentials.</exception>
    /// <exception cref="BrokerException">The broker refused the request for another reason.</exception>
    /// <exception cref="TimeoutException">The handshake, with the key export when asked for, did not complete within the timeout.</exception>
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

        // One deadline for every step, as BrokerTlsClientOptions.Timeout promises: a deadline per step would let a
        // slow handshake followed by a slow rest of a record take twice the timeout.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Timeout);
        try
        {
            var established = await BrokerHandshake.RunAsync(transport, broker, options.TargetHost, options, deadline.Token);
            earlyPlaintext = established.EarlyPlaintext;
            if (options.ExportKeysAfterHandshake)
            {
                var (plaintext, exported) = await KeyExport.TakeKeysAsync(transport, established, deadline.Token);
                earlyPlaintext = Concatenate(earlyPlaintext, plaintext);
                path = exported;
            }
            else
            {
                path = new BrokerDataPath(transport, established, end: null);
            }

            session = established;
        }
        catch (Exception e) when (Cancellation.IsCancellation(e) && !cancellationToken.IsCancellationRequested)
        {
            var steps = options.ExportKeysAfterHandshake ? "TLS handshake and key export" : "TLS handshake";
            throw new TimeoutException($"the {steps} did not complete within {options.Timeout.TotalSeconds:0.###} s", e);
        }
    }

    /// <summary>Reads decrypted application data: 0 after the server's close_notify.</summary>
    /// <param name="buffer">Where to put the data.</param>
    /// <param name="cancellationToken">Cancels the wait for the server (which is otherwise unbounded).</param>
    /// <exception cref="BrokerTlsException">A fatal alert, or the server closed TCP without close_notify.</exception>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed != 0, this);
        _ = Established;
        if (!earlyPlaintext.IsEmpty)
        {
            var count = Math.Min(buffer.Length, earlyPlaintext.Length);
            earlyPlaintext[..count].CopyTo(buffer);
            earlyPlaintext = earlyPlaintext[count..];
            return count;
        }

        return await path!.ReadAsync(buffer, cancellationToken);
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
        return path!.WriteAsync(buffer, cancellationToken);
    }

    /// <summary>
    /// Sends close_notify (SSL_shutdown) and stops writing. Reads may go on until the server
    /// closes. Disposing the stream does this too, but cannot report a failure.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public async Task ShutdownAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed != 0, this);
        _ = Established;
        await path!.ShutdownAsync(cancellationToken);
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
        if (path is not null)
        {
            await path.FlushAsync(cancellationToken);
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
            if (path is not null)
            {
                await path.DisposeAsync();
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

    private static ReadOnlyMemory<byte> Concatenate(ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> second) =>
        first.IsEmpty ? second : second.IsEmpty ? first : (byte[])[.. first.Span, .. second.Span];
}
