using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Org.BouncyCastle.Utilities;

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

    /// <summary>
    /// BouncyCastle's RsaKeyParameters runs Miller-Rabin rounds on every RSA modulus it parses, to refuse a prime one:
    /// about 0.1 s of CPU for a 2048-bit key and 0.5 s for 4096 bits, paid by every handshake with an RSA certificate.
    /// The key is vouched for by its issuer's signature, the verifier already refuses weak keys (AlgorithmStrength), and
    /// neither OpenSSL nor .NET makes that test; the cheap checks (odd, no small factor, size limit) still run.
    /// </summary>
    protected override AsymmetricKeyParameter GetPublicKey() =>
        Properties.WithThreadProperty(Properties.RsaMaxMRTests, "0", base.GetPublicKey);
}
