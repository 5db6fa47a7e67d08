using System.Net.Security;
using Grpc.Core;

namespace TlsBroker.Client;

/// <summary>
/// What to ask of the broker for one TLS session, as <see cref="SslClientAuthenticationOptions"/>
/// does for <see cref="SslStream"/>: the server's name and the ALPN protocols, plus which broker to
/// use, with which policy and credentials, how long to wait, and where to keep resumption tokens.
/// </summary>
public sealed class BrokerTlsClientOptions
{
    /// <summary>
    /// DNS name or IP literal of the server. A DNS name is sent as SNI and checked against the
    /// certificate's DNS names; an IP literal is checked against its IP addresses. Required.
    /// </summary>
    public string? TargetHost { get; set; }

    /// <summary>ALPN protocols to offer, most preferred first; null or empty offers none.</summary>
    public List<SslApplicationProtocol>? ApplicationProtocols { get; set; }

    /// <summary>
    /// The channel to the broker, e.g. <c>GrpcChannel.ForAddress("http://127.0.0.1:5001")</c>.
    /// Required. Share one channel between sessions: each session is one stream on it.
    /// </summary>
    public ChannelBase? Broker { get; set; }

    /// <summary>Name of a policy configured in the broker; null or empty selects the broker's "default".</summary>
    public string? Policy { get; set; }

    /// <summary>An API key the broker knows this caller by, sent as <c>authorization: Bearer</c>; null sends none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Limit for the whole of <see cref="BrokerTlsStream.AuthenticateAsClientAsync"/> (the handshake and, with
    /// <see cref="ExportKeysAfterHandshake"/>, the rest of a record the handshake ended inside and the key export,
    /// together), and for each later exchange with the broker (one write, one received chunk, the shutdown). Waiting
    /// for the server to send data after that is bounded only by the caller's <see cref="CancellationToken"/>, as on
    /// any network stream. Default 30 s; must be positive.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Where to find a resumption token for this broker, policy and server name, and to keep the
    /// tokens this session is given; null resumes nothing. Default null.
    /// </summary>
    public BrokerTlsSessionCache? SessionCache { get; set; }

    /// <summary>
    /// Once the handshake is verified, take the session's traffic keys from the broker and run the record layer here
    /// (key export, as ALTS and S2A clients do): application data then goes straight over the inner stream and the
    /// broker leaves the data path. The policy's <c>KeyExport</c> must name this caller, else the handshake ends with
    /// <see cref="BrokerAccessDeniedException"/>; the suite must be AES-GCM or ChaCha20-Poly1305. Default false.
    /// </summary>
    public bool ExportKeysAfterHandshake { get; set; }
}
