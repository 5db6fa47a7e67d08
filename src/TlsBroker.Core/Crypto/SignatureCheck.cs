using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;

namespace TlsBroker.Core.Crypto;

/// <summary>
/// A server's public key loaded into .NET for one signature scheme: ECDSA (RFC 8446 §4.2.3, a DER
/// ECDSA-Sig-Value), RSASSA-PKCS1-v1_5 or RSASSA-PSS with rsaEncryption keys (salt length = hash
/// length, RFC 8446 §4.2.3). Schemes left out (SHA-1, SHA-224, RSA-PSS keys, EdDSA, brainpool)
/// stay with BouncyCastle.
/// </summary>
internal sealed class SignatureCheck : IDisposable
{
    private readonly AsymmetricAlgorithm key;
    private readonly HashAlgorithmName hash;
    private readonly RSASignaturePadding? padding;

    private SignatureCheck(AsymmetricAlgorithm key, HashAlgorithmName hash, RSASignaturePadding? padding)
    {
        this.key = key;
        this.hash = hash;
        this.padding = padding;
    }

    /// <summary>The check for <paramref name="signatureScheme"/>, or null when .NET does not take it (BouncyCastle's verifier then does).</summary>
    public static SignatureCheck? For(int signatureScheme, SubjectPublicKeyInfo keyInfo)
    {
        var (hash, padding, isEcdsa) = signatureScheme switch
        {
            SignatureScheme.ecdsa_secp256r1_sha256 => (HashAlgorithmName.SHA256, null, true),
            SignatureScheme.ecdsa_secp384r1_sha384 => (HashAlgorithmName.SHA384, null, true),
            SignatureScheme.ecdsa_secp521r1_sha512 => (HashAlgorithmName.SHA512, null, true),
            SignatureScheme.rsa_pkcs1_sha256 => (HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, false),
            SignatureScheme.rsa_pkcs1_sha384 => (HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1, false),
            SignatureScheme.rsa_pkcs1_sha512 => (HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1, false),
            SignatureScheme.rsa_pss_rsae_sha256 => (HashAlgorithmName.SHA256, RSASignaturePadding.Pss, false),
            SignatureScheme.rsa_pss_rsae_sha384 => (HashAlgorithmName.SHA384, RSASignaturePadding.Pss, false),
            SignatureScheme.rsa_pss_rsae_sha512 => (HashAlgorithmName.SHA512, RSASignaturePadding.Pss, false),
            _ => (default(HashAlgorithmName), (RSASignaturePadding?)null, false),
        };
        if (hash.Name is null)
        {
            return null;
        }

        AsymmetricAlgorithm key = isEcdsa ? ECDsa.Create() : RSA.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(keyInfo.GetEncoded(), out _);
            return new SignatureCheck(key, hash, padding);
        }
        catch (CryptographicException)
        {
            // A key BouncyCastle accepted but .NET does not load: BouncyCastle's verifier judges it.
            key.Dispose();
            return null;
        }
    }

    /// <summary>TLS 1.3 CertificateVerify: the signature over the content (RFC 8446 §4.4.3).</summary>
    public bool VerifyData(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) => Verify(data, signature, isHash: false);

    /// <summary>TLS 1.2 ServerKeyExchange: the signature over the hash BouncyCastle computed (RFC 5246 §7.4.3).</summary>
    public bool VerifyHash(ReadOnlySpan<byte> hashValue, ReadOnlySpan<byte> signature) => Verify(hashValue, signature, isHash: true);

    public void Dispose() => key.Dispose();

    private bool Verify(ReadOnlySpan<byte> input, ReadOnlySpan<byte> signature, bool isHash)
    {
        try
        {
            return (key, isHash) switch
            {
                (ECDsa ec, false) => ec.VerifyData(input, signature, hash, DSASignatureFormat.Rfc3279DerSequence),
                (ECDsa ec, true) => ec.VerifyHash(input, signature, DSASignatureFormat.Rfc3279DerSequence),
                (RSA rsa, false) => rsa.VerifyData(input, signature, hash, padding!),
                (RSA rsa, true) => rsa.VerifyHash(input, signature, hash, padding!),
                _ => throw new InvalidOperationException($"unexpected key {key.GetType().Name}"),
            };
        }
        catch (CryptographicException)
        {
            // A signature that does not even decode (wrong length, bad DER) does not verify; the caller sends decrypt_error.
            return false;
        }
    }
}
