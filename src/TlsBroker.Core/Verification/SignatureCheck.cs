using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TlsBroker.Core.Verification;

/// <summary>
/// Whether an issuer's key verifies a certificate's signature, with the platform's native ECDSA and
/// RSA for the usual algorithms (a path builder may check dozens of candidates per verification);
/// null for any other algorithm, which the caller checks another way.
/// </summary>
internal static class SignatureCheck
{
    private static readonly Dictionary<string, HashAlgorithmName> Ecdsa = new(StringComparer.Ordinal)
    {
        ["1.2.840.10045.4.3.2"] = HashAlgorithmName.SHA256,
        ["1.2.840.10045.4.3.3"] = HashAlgorithmName.SHA384,
        ["1.2.840.10045.4.3.4"] = HashAlgorithmName.SHA512,
    };

    private static readonly Dictionary<string, HashAlgorithmName> RsaPkcs1 = new(StringComparer.Ordinal)
    {
        ["1.2.840.113549.1.1.11"] = HashAlgorithmName.SHA256,
        ["1.2.840.113549.1.1.12"] = HashAlgorithmName.SHA384,
        ["1.2.840.113549.1.1.13"] = HashAlgorithmName.SHA512,
    };

    public static bool? Verifies(X509Certificate2 certificate, X509Certificate2 issuer)
    {
        try
        {
            // RFC 5280 §4.1: Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }.
            var outer = new AsnReader(certificate.RawData, AsnEncodingRules.DER).ReadSequence();
            var signed = outer.ReadEncodedValue();
            var algorithm = outer.ReadSequence().ReadObjectIdentifier();
            var signature = outer.ReadBitString(out _);
            if (Ecdsa.TryGetValue(algorithm, out var ecdsaHash))
            {
                using var key = issuer.PublicKey.GetECDsaPublicKey();
                return key?.VerifyData(signed.Span, signature, ecdsaHash, DSASignatureFormat.Rfc3279DerSequence) ?? false;
            }

            if (RsaPkcs1.TryGetValue(algorithm, out var rsaHash))
            {
                using var key = issuer.PublicKey.GetRSAPublicKey();
                return key?.VerifyData(signed.Span, signature, rsaHash, RSASignaturePadding.Pkcs1) ?? false;
            }

            return null;
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            return false;
        }
    }
}
