using System.Security.Cryptography.X509Certificates;
using TlsBroker.Contracts.V1;

namespace TlsBroker.Client;

/// <summary>What the handshake negotiated, as a TLS library reports it.</summary>
public sealed record BrokerTlsSessionInfo
{
    /// <summary>As OpenSSL's SSL_get_version(): "TLSv1.3", "TLSv1.2".</summary>
    public required string ProtocolVersion { get; init; }

    /// <summary>IANA name, e.g. "TLS_AES_128_GCM_SHA256".</summary>
    public required string CipherSuite { get; init; }

    /// <summary>Key-exchange group, IANA name, e.g. "x25519".</summary>
    public required string Group { get; init; }

    /// <summary>The selected ALPN protocol; null when none was negotiated.</summary>
    public string? Alpn { get; init; }

    /// <summary>The server's chain as it sent it, its own certificate first; loaded when first read.</summary>
    public required IReadOnlyList<X509Certificate2> PeerCertificates { get; init; }

    /// <summary>True when the handshake resumed an earlier session (a token from the session cache was accepted).</summary>
    public bool Resumed { get; init; }

    /// <summary>True when the server asked for a client certificate and the broker presented the policy's identity.</summary>
    public bool ClientCertificateSent { get; init; }

    /// <summary>How long the handshake took in the broker.</summary>
    public TimeSpan HandshakeDuration { get; init; }

    /// <summary>The certificate verification result; <see cref="BrokerTlsVerifyResult.Ok"/> for a verified server.</summary>
    public required BrokerTlsVerifyResult Verify { get; init; }

    /// <summary>The broker's name for the session, as its logs and audit records give it; empty from a broker that does not say.</summary>
    public string SessionId { get; init; } = string.Empty;

    internal static BrokerTlsSessionInfo From(ConnectResponse response, string sessionId)
    {
        var established = response.Established;
        return new BrokerTlsSessionInfo
        {
            ProtocolVersion = established.ProtocolVersion,
            CipherSuite = established.CipherSuite,
            Group = established.Group,
            Alpn = established.Alpn.Length == 0 ? null : established.Alpn,
            PeerCertificates = new PeerCertificateList([.. established.PeerCertificates]),
            Resumed = established.Resumed,
            ClientCertificateSent = established.ClientCertificateSent,
            HandshakeDuration = established.HandshakeDuration?.ToTimeSpan() ?? TimeSpan.Zero,
            Verify = BrokerTlsResult.From(response).Verify,
            SessionId = sessionId,
        };
    }
}
