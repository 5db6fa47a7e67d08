using System.Net.Security;
using Grpc.Core;

namespace TlsBroker.Client;

/// <summary>How a <see cref="BrokerTlsHttpHandler"/> opens its TLS connections: which broker, policy, credentials and ALPN.</summary>
public sealed class BrokerTlsHttpOptions
{
    /// <summary>
    /// The broker's address, e.g. <c>http://127.0.0.1:5001</c>; the handler opens (and disposes)
    /// its own channel to it. Either this or <see cref="Broker"/> is required.
    /// </summary>
    public Uri? BrokerAddress { get; set; }

    /// <summary>A channel to the broker that the caller owns and disposes; takes precedence over <see cref="BrokerAddress"/>.</summary>
    public ChannelBase? Broker { get; set; }

    /// <summary>Name of a policy configured in the broker; null or empty selects the broker's "default".</summary>
    public string? Policy { get; set; }

    /// <summary>An API key the broker knows this caller by, sent as <c>authorization: Bearer</c>; null sends none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Limit for each handshake and for each exchange with the broker. Default 30 s; must be positive.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// ALPN protocols to offer. Default: http/1.1 only, the protocol the handler speaks over the
    /// connections it opens.
    /// </summary>
    public List<SslApplicationProtocol> ApplicationProtocols { get; set; } = [SslApplicationProtocol.Http11];

    /// <summary>
    /// How many redirects (301, 302, 303, 307, 308) a request follows; 0 returns them to the caller.
    /// Default 50, as SocketsHttpHandler's. A redirect from https to http is never followed.
    /// </summary>
    public int MaxAutomaticRedirections { get; set; } = 50;

    /// <summary>
    /// Where resumption tokens are kept, so that new connections to a server resume earlier
    /// sessions. Default: one cache for every handler made from these options.
    /// </summary>
    public BrokerTlsSessionCache SessionCache { get; set; } = new();
}
