namespace TlsBroker.Core.Results;

/// <summary>What a TLS library reports once the handshake has completed.</summary>
/// <param name="ProtocolVersion">As OpenSSL's <c>SSL_get_version</c>: <c>TLSv1.3</c>, <c>TLSv1.2</c>.</param>
/// <param name="CipherSuite">IANA name, e.g. <c>TLS_AES_128_GCM_SHA256</c>.</param>
/// <param name="Group">Key-exchange group, IANA name, e.g. <c>x25519</c>.</param>
/// <param name="Alpn">Selected ALPN protocol, or null.</param>
/// <param name="PeerCertificates">The server's chain as sent, DER, its own certificate first.</param>
/// <param name="Resumed">True when the session was resumed.</param>
/// <param name="Duration">Time from Start to the completed handshake.</param>
public sealed record HandshakeSummary(
    string ProtocolVersion,
    string CipherSuite,
    string Group,
    string? Alpn,
    IReadOnlyList<byte[]> PeerCertificates,
    bool Resumed,
    TimeSpan Duration)
{
    /// <summary>Whether the policy's client certificate was presented because the server asked for one (never in a resumed handshake).</summary>
    public bool ClientCertificateSent { get; init; }
}
