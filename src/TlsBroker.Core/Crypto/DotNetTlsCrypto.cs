using System.Security.Cryptography;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace TlsBroker.Core.Crypto;

/// <summary>
/// BouncyCastle's TLS crypto with the expensive operations moved onto .NET's native-backed
/// System.Security.Cryptography: AES-GCM and ChaCha20-Poly1305 record protection, ECDH on
/// secp256r1/384/521, and the ECDSA and RSA checks of the server's CertificateVerify and
/// ServerKeyExchange signatures. Everything else (X25519, which .NET has no API for, the key
/// schedule, transcript hashes) stays BouncyCastle's. Stateless, so one instance serves all sessions.
/// Not sealed: the fuzzing harness (tests/TlsBroker.Fuzz) derives a seeded, repeatable one from it.
/// </summary>
internal class DotNetTlsCrypto(SecureRandom random) : BcTlsCrypto(random)
{
    public override TlsCertificate CreateCertificate(short type, byte[] encoding) =>
        type == CertificateType.X509 ? new DotNetTlsCertificate(this, encoding) : base.CreateCertificate(type, encoding);

    public override TlsECDomain CreateECDomain(TlsECConfig ecConfig) =>
        NistCurves.TryGet(ecConfig.NamedGroup, out var curve)
            ? new DotNetECDomain(this, curve)
            : base.CreateECDomain(ecConfig);

    protected override TlsAeadCipher CreateCipher_Aes_Gcm(TlsCryptoParameters cryptoParams, int cipherKeySize, int macSize) =>
        new(cryptoParams, new AesGcmRecordCipher(encrypting: true), new AesGcmRecordCipher(encrypting: false), cipherKeySize, macSize, TlsAeadCipher.AEAD_GCM);

    protected override TlsCipher CreateChaCha20Poly1305(TlsCryptoParameters cryptoParams) =>
        ChaCha20Poly1305.IsSupported
            ? new TlsAeadCipher(cryptoParams, new ChaCha20Poly1305RecordCipher(encrypting: true), new ChaCha20Poly1305RecordCipher(encrypting: false), ChaCha20Poly1305RecordCipher.KeySize, DotNetAeadCipher.TagSize, TlsAeadCipher.AEAD_CHACHA20_POLY1305)
            : base.CreateChaCha20Poly1305(cryptoParams);
}
