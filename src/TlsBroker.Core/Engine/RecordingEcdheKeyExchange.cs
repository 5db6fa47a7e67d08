using Org.BouncyCastle.Tls;

namespace TlsBroker.Core.Engine;

/// <summary>BouncyCastle's ECDHE key exchange, exposing the curve the ServerKeyExchange named.</summary>
internal sealed class RecordingEcdheKeyExchange(int keyExchange) : TlsECDheKeyExchange(keyExchange)
{
    public int NamedGroup => m_ecConfig?.NamedGroup ?? -1;

    /// <summary>
    /// An empty certificate_list from the server, which BouncyCastle (2.7) answers with internal_error. Every suite the
    /// broker offers authenticates the server (RFC 8422 §5.3: the Certificate "MUST contain" the ECDSA or RSA key), so the
    /// message is malformed; RFC 8446 §4.4.2.4 names the same fault in TLS 1.3 decode_error.
    /// </summary>
    public override void SkipServerCredentials() =>
        throw new TlsFatalAlert(AlertDescription.decode_error, "the server's Certificate message has no certificate");
}
