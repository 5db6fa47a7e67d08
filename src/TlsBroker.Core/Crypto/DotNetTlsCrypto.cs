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
/// secp256r1/384/521, the ECDSA and RSA checks of the server's CertificateVerify and
/// ServerKeyExchange signatures, transcript hashes and the TLS 1.3 key schedule's HKDF. Everything
/// else (X25519, which .NET has no API for, the TLS 1.2 PRF, HMACs) stays BouncyCastle's. Stateless but for the nonce generator
/// every session shares, so one instance serves all sessions.
/// Not sealed: the fuzzing harness (tests/TlsBroker.Fuzz) derives a seeded, repeatable one from it.
/// </summary>
internal class DotNetTlsCrypto(SecureRandom random) : BcTlsCrypto(random)
{
    private TlsNonceGenerator? nonces;

    // BouncyCastle's AdoptLocalSecret is not virtual: the key schedule's secrets stay .NET-backed
    // because its first one comes from here and DotNetTlsSecret's derivations create their own kind.
    public override TlsSecret HkdfInit(int cryptoHashAlgorithm) =>
        new DotNetTlsSecret(this, new byte[TlsCryptoUtilities.GetHashOutputSize(cryptoHashAlgorithm)]);

    public override TlsSecret CreateSecret(byte[] data) => new DotNetTlsSecret(this, (byte[])data.Clone());

    public override TlsHash CreateHash(int cryptoHashAlgorithm) =>
        DotNetHashAlgorithms.TryGet(cryptoHashAlgorithm, out var hash)
            ? new DotNetTlsHash(IncrementalHash.CreateHash(hash.Value))
            : base.CreateHash(cryptoHashAlgorithm);

    public override TlsCertificate CreateCertificate(short type, byte[] encoding) =>
        type == CertificateType.X509 ? new DotNetTlsCertificate(this, encoding) : base.CreateCertificate(type, encoding);

    public override TlsECDomain CreateECDomain(TlsECConfig ecConfig) =>
        NistCurves.TryGet(ecConfig.NamedGroup, out var curve)
            ? new DotNetECDomain(this, curve)
            : base.CreateECDomain(ecConfig);

    public override TlsNonceGenerator CreateNonceGenerator(byte[] additionalSeedMaterial) =>
        CreateNonceGenerator(additionalSeedMaterial.AsSpan());

    /// <summary>
    /// One nonce generator for every session on this crypto, made the way BouncyCastle makes one per TLS context (a SHA-256
    /// DigestRandomGenerator seeded from the SecureRandom and the first context's extra seed): a per-context one holds
    /// about 0.6 KiB for the session's whole life. Its nonces are public values (the ClientHello random and legacy_session_id,
    /// TLS 1.2 CBC explicit IVs), still drawn apart from the SecureRandom that makes keys, and DigestRandomGenerator locks
    /// around each draw, so sessions on any thread share it.
    /// </summary>
    public override TlsNonceGenerator CreateNonceGenerator(ReadOnlySpan<byte> additionalSeedMaterial)
    {
        if (nonces is null)
        {
            Interlocked.CompareExchange(ref nonces, base.CreateNonceGenerator(additionalSeedMaterial), null);
        }

        return nonces;
    }

    protected override TlsAeadCipher CreateCipher_Aes_Gcm(TlsCryptoParameters cryptoParams, int cipherKeySize, int macSize) =>
        RecordAead(cryptoParams, TlsAeadCipher.AEAD_GCM, cipherKeySize, macSize);

    protected override TlsCipher CreateChaCha20Poly1305(TlsCryptoParameters cryptoParams) =>
        ChaCha20Poly1305.IsSupported
            ? RecordAead(cryptoParams, TlsAeadCipher.AEAD_CHACHA20_POLY1305, ChaCha20Poly1305RecordCipher.KeySize, DotNetAeadCipher.TagSize)
            : base.CreateChaCha20Poly1305(cryptoParams);

    /// <summary>
    /// One direction of a session's record protection (<paramref name="aeadType"/> is TlsAeadCipher.AEAD_GCM or
    /// AEAD_CHACHA20_POLY1305). Virtual so that a derived crypto can see the ciphers its sessions use, and whether they hold a native context.
    /// </summary>
    protected virtual DotNetAeadCipher CreateRecordCipher(int aeadType, bool encrypting) =>
        aeadType == TlsAeadCipher.AEAD_GCM ? new AesGcmRecordCipher(encrypting) : new ChaCha20Poly1305RecordCipher(encrypting);

    private TlsAeadCipher RecordAead(TlsCryptoParameters cryptoParams, int aeadType, int keySize, int macSize) =>
        new(cryptoParams, CreateRecordCipher(aeadType, encrypting: true), CreateRecordCipher(aeadType, encrypting: false), keySize, macSize, aeadType);
}
