using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace TlsBroker.Core.Crypto;

/// <summary>
/// The server's certificate, parsed and validated for its role by BouncyCastle as before, with the
/// handshake signature checks on .NET. BouncyCastle's verifier is still created first: it performs
/// the key usage and key type checks (and their alerts) exactly as without .NET.
/// </summary>
internal sealed class DotNetTlsCertificate(BcTlsCrypto crypto, byte[] encoding) : BcTlsCertificate(crypto, encoding)
{
    public override Tls13Verifier CreateVerifier(int signatureScheme)
    {
        var bouncyCastle = base.CreateVerifier(signatureScheme);
        return SignatureCheck.For(signatureScheme, m_keyInfo) is { } check ? new DotNetTls13Verifier(check) : bouncyCastle;
    }

    public override TlsVerifier CreateVerifier(short signatureAlgorithm) =>
        new DotNetTls12Verifier(m_keyInfo, signatureAlgorithm, base.CreateVerifier(signatureAlgorithm));
}
