using System.Buffers.Binary;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace TlsBroker.Bench.Server;

/// <summary>
/// Serves one bench connection at a time per call, over any transport (a TCP connection, or an in-memory
/// one for the idle phase's in-process peers): an <see cref="SslStream"/> server with TLS 1.2 and 1.3,
/// session resumption allowed, and the tiny application protocol of <see cref="BenchRequest"/>.
/// A connection that fails is counted, never fatal.
/// </summary>
internal sealed class BenchConnectionServer
{
    /// <summary>Longest a client may take for its handshake.</summary>
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Longest a connection may stay silent once established (idle sessions wait here).</summary>
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);

    private readonly SslServerAuthenticationOptions tlsOptions;
    private readonly CancellationToken stopping;
    private long served;
    private long failed;

    public BenchConnectionServer(BenchCertificateChain chain, CancellationToken stopping)
    {
        this.stopping = stopping;
        tlsOptions = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = SslStreamCertificateContext.Create(chain.Leaf, [chain.Intermediate], offline: true),
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            AllowTlsResume = true,
            ClientCertificateRequired = false,
        };
    }

    /// <summary>Connections that ended with an error (handshake failure, reset, timeout).</summary>
    public long Failed => Interlocked.Read(ref failed);

    public long Served => Interlocked.Read(ref served);

    /// <summary>Serves <paramref name="transport"/>, which it owns, until the client closes it; never throws for a failed connection.</summary>
    public async Task ServeAsync(Stream transport)
    {
        try
        {
            await using var tls = new SslStream(transport);
            using (var handshake = CancellationTokenSource.CreateLinkedTokenSource(stopping))
            {
                handshake.CancelAfter(HandshakeTimeout);
                await tls.AuthenticateAsServerAsync(tlsOptions, handshake.Token);
            }

            using var idle = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            idle.CancelAfter(IdleTimeout);
            await ServeRequestAsync(tls, idle.Token);
            Interlocked.Increment(ref served);
        }
        catch (Exception e) when (e is IOException or AuthenticationException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // A client that resets or stops mid-way is a counted failure of that connection only.
            Interlocked.Increment(ref failed);
        }
    }

    private static async Task ServeRequestAsync(SslStream tls, CancellationToken cancellationToken)
    {
        // A zero-byte read waits for the first request without SslStream holding a read buffer meanwhile,
        // which is what keeps thousands of idle connections small.
        _ = await tls.ReadAsync(Memory<byte>.Empty, cancellationToken);
        var header = new byte[1 + BenchRequest.LengthBytes];
        if (await tls.ReadAtLeastAsync(header.AsMemory(0, 1), 1, throwOnEndOfStream: false, cancellationToken) == 0)
        {
            return;
        }

        switch (header[0])
        {
            case BenchRequest.Download:
                await tls.ReadExactlyAsync(header.AsMemory(1), cancellationToken);
                await SendAsync(tls, BinaryPrimitives.ReadInt64BigEndian(header.AsSpan(1)), cancellationToken);
                await tls.ShutdownAsync();
                break;
            case BenchRequest.Upload:
                await tls.ReadExactlyAsync(header.AsMemory(1), cancellationToken);
                await ReceiveAsync(tls, BinaryPrimitives.ReadInt64BigEndian(header.AsSpan(1)), cancellationToken);
                await tls.WriteAsync(new[] { BenchRequest.UploadDone }, cancellationToken);
                break;
            case BenchRequest.Echo:
                await EchoAsync(tls, cancellationToken);
                return;
            default:
                return;
        }

        // The client closes after the transfer; wait for that (or its close_notify) before closing TCP.
        await DrainAsync(tls, cancellationToken);
    }

    private static async Task SendAsync(SslStream tls, long length, CancellationToken cancellationToken)
    {
        var chunk = new byte[BenchRequest.ChunkBytes];
        for (var left = length; left > 0; left -= chunk.Length)
        {
            await tls.WriteAsync(chunk.AsMemory(0, (int)Math.Min(left, chunk.Length)), cancellationToken);
        }
    }

    private static async Task ReceiveAsync(SslStream tls, long length, CancellationToken cancellationToken)
    {
        var buffer = new byte[BenchRequest.ChunkBytes];
        for (var left = length; left > 0;)
        {
            var read = await tls.ReadAsync(buffer.AsMemory(0, (int)Math.Min(left, buffer.Length)), cancellationToken);
            if (read == 0)
            {
                throw new IOException($"the client closed with {left} upload bytes still to come");
            }

            left -= read;
        }
    }

    private static async Task EchoAsync(SslStream tls, CancellationToken cancellationToken)
    {
        var buffer = new byte[BenchRequest.ChunkBytes];
        int read;
        while ((read = await tls.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await tls.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    private static async Task DrainAsync(SslStream tls, CancellationToken cancellationToken)
    {
        var buffer = new byte[256];
        while (await tls.ReadAsync(buffer, cancellationToken) > 0)
        {
        }
    }
}
