using Google.Protobuf;
using Grpc.Core;
using TlsBroker.Contracts.V1;

namespace TlsBroker.Client;

/// <summary>
/// Opens TLS sessions through a TlsBroker: the caller owns the TCP connection to the server,
/// the broker runs the TLS client (SSL_connect) and makes the trust decisions.
/// </summary>
/// <example>
/// <code>
/// using var channel = GrpcChannel.ForAddress("http://127.0.0.1:5001");
/// using var socket = new TcpClient();
/// await socket.ConnectAsync("example.com", 443);
/// await using var tls = await new BrokerTlsClient(channel).ConnectAsync(
///     socket.GetStream(), new BrokerTlsOptions { ServerName = "example.com" });
/// </code>
/// </example>
public sealed class BrokerTlsClient
{
    private readonly BrokerService.BrokerServiceClient broker;

    public BrokerTlsClient(ChannelBase channel)
        : this(new BrokerService.BrokerServiceClient(channel))
    {
    }

    public BrokerTlsClient(BrokerService.BrokerServiceClient broker)
    {
        this.broker = broker;
    }

    /// <summary>
    /// Runs the handshake over <paramref name="transport"/> (a connected stream to the server),
    /// within <see cref="BrokerTlsOptions.Timeout"/>, and returns the established session.
    /// </summary>
    /// <exception cref="BrokerTlsException">The handshake failed; its result says why (SSL error, alert, verify result).</exception>
    /// <exception cref="RpcException">The broker could not be reached or refused the request.</exception>
    /// <exception cref="TimeoutException">The handshake did not complete within the timeout.</exception>
    /// <exception cref="IOException">The transport failed.</exception>
    /// <remarks>If the handshake fails, the transport stays open and remains the caller's to dispose.</remarks>
    public async Task<BrokerTlsStream> ConnectAsync(Stream transport, BrokerTlsOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(options.ServerName);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Timeout, TimeSpan.Zero);

        // The call lives as long as the returned stream, which ends it; the token bounds only the handshake.
        var call = new PipelinedBrokerCall(broker.Connect(cancellationToken: CancellationToken.None), transport, options.Timeout);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(options.Timeout);
            var (sessionInfo, earlyPlaintext) = await HandshakeAsync(call, transport, options, deadline.Token);
            return new BrokerTlsStream(call, transport, sessionInfo, earlyPlaintext, options.LeaveTransportOpen);
        }
        catch (Exception e) when (Cancellation.IsCancellation(e) && !cancellationToken.IsCancellationRequested)
        {
            await call.DisposeAsync();
            throw new TimeoutException($"the TLS handshake did not complete within {options.Timeout.TotalSeconds:0.###} s", e);
        }
        catch
        {
            await call.DisposeAsync();
            throw;
        }
    }

    /// <summary>The handshake loop of DESIGN.md, one exchange at a time, which is OpenSSL's memory-BIO loop around SSL_connect(3).</summary>
    private static async Task<(BrokerTlsSessionInfo Info, ReadOnlyMemory<byte> EarlyPlaintext)> HandshakeAsync(
        PipelinedBrokerCall call, Stream transport, BrokerTlsOptions options, CancellationToken cancellationToken)
    {
        var start = new Start { Policy = options.Policy, ServerName = options.ServerName, ResumptionToken = ByteString.CopyFrom(options.ResumptionToken.Span) };
        start.Alpn.AddRange(options.Alpn);
        var response = await call.ExchangeAsync(new ConnectRequest { Start = start }, cancellationToken);
        var buffer = new byte[16 * 1024];
        while (true)
        {
            // SSL_connect(3): 1 means the handshake completed and a session was established.
            if (response.Ret == 1)
            {
                if (response.Established is null)
                {
                    throw new RpcException(new Status(StatusCode.Internal, "the broker reported ret=1 without the established session"));
                }

                return (BrokerTlsSessionInfo.From(response), response.Plaintext.Memory);
            }

            // SSL_get_error(3): only SSL_ERROR_WANT_READ asks for more input; anything else ends the handshake.
            if (response.Error != SslError.WantRead)
            {
                throw new BrokerTlsException(BrokerTlsResult.From(response));
            }

            var received = await transport.ReadAsync(buffer, cancellationToken);
            var request = new ConnectRequest
            {
                Received = new Received { Data = ByteString.CopyFrom(buffer, 0, received), Eof = received == 0 },
            };
            response = await call.ExchangeAsync(request, cancellationToken);
        }
    }
}
