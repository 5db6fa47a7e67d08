using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;

namespace TlsBroker.Client;

/// <summary>
/// An <see cref="HttpMessageHandler"/> whose <c>https://</c> requests travel over TLS sessions
/// run by a TlsBroker: <c>new HttpClient(new BrokerTlsHttpHandler(options))</c>. Inside, a
/// <see cref="SocketsHttpHandler"/> pools the connections; its <see cref="SocketsHttpHandler.ConnectCallback"/>
/// opens the TCP socket and authenticates a <see cref="BrokerTlsStream"/> over it. <c>http://</c>
/// requests pass through unencrypted, as with any handler.
/// </summary>
/// <remarks>
/// SocketsHttpHandler would wrap an <c>https://</c> connection in its own SslStream, so this
/// handler hands it each <c>https://</c> request as <c>http://</c> to the same host and port (with
/// the original Host header) and restores the request's URI afterwards. For the same reason this
/// handler follows redirects itself (up to <see cref="BrokerTlsHttpOptions.MaxAutomaticRedirections"/>,
/// never from https to http), not the inner one. Handshake and broker failures surface as
/// <see cref="HttpRequestException"/> whose inner exception is this library's
/// (<see cref="BrokerTlsAuthenticationException"/>, <see cref="BrokerUnavailableException"/>, ...).
/// </remarks>
public sealed class BrokerTlsHttpHandler : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<bool> ThroughBroker = new("TlsBroker.Client.ThroughBroker");

    private readonly BrokerTlsHttpOptions options;
    private readonly ChannelBase broker;
    private readonly GrpcChannel? ownedChannel;

    /// <summary>Creates the handler with a new <see cref="SocketsHttpHandler"/> inside.</summary>
    /// <param name="options">The broker, policy, credentials, ALPN and session cache.</param>
    public BrokerTlsHttpHandler(BrokerTlsHttpOptions options)
        : this(options, new SocketsHttpHandler())
    {
    }

    /// <summary>
    /// Creates the handler around <paramref name="socketsHandler"/>, whose pooling and timeouts
    /// the caller may have set; this handler sets its <see cref="SocketsHttpHandler.ConnectCallback"/>,
    /// turns off its redirects and its proxy (the broker's TLS needs a direct TCP connection), and disposes it.
    /// </summary>
    /// <param name="options">The broker, policy, credentials, ALPN and session cache.</param>
    /// <param name="socketsHandler">The handler that pools the connections.</param>
    public BrokerTlsHttpHandler(BrokerTlsHttpOptions options, SocketsHttpHandler socketsHandler)
        : base(socketsHandler)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(socketsHandler);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Timeout, TimeSpan.Zero, $"{nameof(options)}.{nameof(options.Timeout)}");
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxAutomaticRedirections, $"{nameof(options)}.{nameof(options.MaxAutomaticRedirections)}");
        this.options = options;
        if (options.Broker is { } channel)
        {
            broker = channel;
        }
        else
        {
            var address = options.BrokerAddress ?? throw new ArgumentException("either Broker or BrokerAddress is required", nameof(options));
            ownedChannel = GrpcChannel.ForAddress(address);
            broker = ownedChannel;
        }

        socketsHandler.AllowAutoRedirect = false;
        socketsHandler.UseProxy = false;
        socketsHandler.ConnectCallback = ConnectAsync;
    }

    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await SendOneAsync(request, cancellationToken);
        for (var followed = 0; followed < options.MaxAutomaticRedirections; followed++)
        {
            if (HttpRedirects.Target(request, response) is not { } target)
            {
                break;
            }

            var status = response.StatusCode;
            response.Dispose();
            HttpRedirects.Apply(request, target, status);
            response = await SendOneAsync(request, cancellationToken);
        }

        return response;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ownedChannel?.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task<HttpResponseMessage> SendOneAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is not { Scheme: "https" } original)
        {
            request.Options.Set(ThroughBroker, false);
            return await base.SendAsync(request, cancellationToken);
        }

        var setHost = request.Headers.Host is null;
        if (setHost)
        {
            request.Headers.Host = original.IsDefaultPort ? original.IdnHost : $"{original.IdnHost}:{original.Port}";
        }

        request.Options.Set(ThroughBroker, true);
        request.RequestUri = new UriBuilder(original) { Scheme = Uri.UriSchemeHttp, Port = original.Port }.Uri;
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        finally
        {
            request.RequestUri = original;
            if (setHost)
            {
                request.Headers.Host = null;
            }
        }
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var network = new NetworkStream(socket, ownsSocket: true);
        if (!context.InitialRequestMessage.Options.TryGetValue(ThroughBroker, out var throughBroker) || !throughBroker)
        {
            return network;
        }

        var tls = new BrokerTlsStream(network);
        try
        {
            await tls.AuthenticateAsClientAsync(
                new BrokerTlsClientOptions
                {
                    TargetHost = context.DnsEndPoint.Host,
                    ApplicationProtocols = options.ApplicationProtocols,
                    Broker = broker,
                    Policy = options.Policy,
                    ApiKey = options.ApiKey,
                    Timeout = options.Timeout,
                    SessionCache = options.SessionCache,
                },
                cancellationToken);
            return tls;
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
    }
}
