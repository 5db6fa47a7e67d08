using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;

namespace TlsBroker.Core.Crypto;

/// <summary>
/// A client's ECDSA or RSA private key in .NET's form, for signing CertificateVerify with .NET's native-backed
/// crypto (ECDSA P-256 signing there costs about a sixteenth of BouncyCastle's). A .NET key object is made per
/// signature, so that sessions share no mutable key object. Holds key material: never printed.
/// </summary>
internal sealed class DotNetSigningKey
{
    private readonly ECParameters? ec;
    private readonly RSAParameters? rsa;

    private DotNetSigningKey(ECParameters? ec, RSAParameters? rsa)
    {
        this.ec = ec;
        this.rsa = rsa;
    }

    /// <summary>The key in .NET's form, or null for a key .NET does not sign with here (Ed25519 stays with BouncyCastle).</summary>
    public static DotNetSigningKey? From(AsymmetricKeyParameter key, ECCurve? curve) => key switch
    {
        ECPrivateKeyParameters privateKey when curve is { } named => new DotNetSigningKey(EcParameters(privateKey, named), null),
        RsaPrivateCrtKeyParameters privateKey => new DotNetSigningKey(null, RsaParameters(privateKey)),
        _ => null,
    };

    /// <summary>
    /// Signs <paramref name="hash"/>, computed by BouncyCastle with <paramref name="signatureScheme"/>'s hash: ECDSA as a
    /// DER ECDSA-Sig-Value (RFC 8446 §4.2.3), RSASSA-PSS with salt length = hash length (RFC 8446 §4.2.3), or
    /// RSASSA-PKCS1-v1_5 over the DigestInfo of the hash (RFC 5246 §4.7).
    /// </summary>
    public byte[] SignHash(byte[] hash, int signatureScheme)
    {
        if (ec is { } ecParameters)
        {
            using var key = ECDsa.Create(ecParameters);
            return key.SignHash(hash, DSASignatureFormat.Rfc3279DerSequence);
        }

        using var rsaKey = RSA.Create(rsa!.Value);
        var padding = SignatureScheme.IsRsaPss(signatureScheme) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        return rsaKey.SignHash(hash, HashName(SignatureScheme.GetCryptoHashAlgorithm(signatureScheme)), padding);
    }

    public override string ToString() => ec is null ? "RSA signing key" : "ECDSA signing key";

    private static HashAlgorithmName HashName(int cryptoHashAlgorithm) => cryptoHashAlgorithm switch
    {
        CryptoHashAlgorithm.sha256 => HashAlgorithmName.SHA256,
        CryptoHashAlgorithm.sha384 => HashAlgorithmName.SHA384,
        CryptoHashAlgorithm.sha512 => HashAlgorithmName.SHA512,
        CryptoHashAlgorithm.sha1 => HashAlgorithmName.SHA1,
        _ => throw new TlsFatalAlert(AlertDescription.internal_error, $"no .NET hash for crypto hash algorithm {cryptoHashAlgorithm}"),
    };

    private static ECParameters EcParameters(ECPrivateKeyParameters key, ECCurve curve)
    {
        var size = (key.Parameters.Curve.FieldSize + 7) / 8;
        var q = key.Parameters.G.Multiply(key.D).Normalize();
        return new ECParameters
        {
            Curve = curve,
            D = Pad(key.D.ToByteArrayUnsigned(), size),
            Q = new ECPoint { X = q.AffineXCoord.GetEncoded(), Y = q.AffineYCoord.GetEncoded() },
        };
    }

    private static RSAParameters RsaParameters(RsaPrivateCrtKeyParameters key)
    {
        // .NET wants D the modulus' length and the CRT values half of it (RSAParameters remarks).
        var modulus = key.Modulus.ToByteArrayUnsigned();
        var half = (modulus.Length + 1) / 2;
        return new RSAParameters
        {
            Modulus = modulus,
            Exponent = key.PublicExponent.ToByteArrayUnsigned(),
            D = Pad(key.Exponent.ToByteArrayUnsigned(), modulus.Length),
            P = Pad(key.P.ToByteArrayUnsigned(), half),
            Q = Pad(key.Q.ToByteArrayUnsigned(), half),
            DP = Pad(key.DP.ToByteArrayUnsigned(), half),
            DQ = Pad(key.DQ.ToByteArrayUnsigned(), half),
            InverseQ = Pad(key.QInv.ToByteArrayUnsigned(), half),
        };
    }

    private static byte[] Pad(byte[] value, int length) =>
        value.Length >= length ? value : [.. new byte[length - value.Length], .. value];
}
