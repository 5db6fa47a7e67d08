using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TlsBroker.Core.Verification;

/// <summary>
/// Key sizes and signature digests the broker accepts: at least 112 bits of security, as OpenSSL's
/// security level 2 (Debian's default) demands of certificates (SSL_CTX_set_security_level(3)):
/// RSA and DSA keys of 2048 bits or more, EC keys of 224 bits or more, no MD5 or SHA-1 signatures.
/// </summary>
internal static class AlgorithmStrength
{
    private const int MinimumRsaBits = 2048;
    private const int MinimumEcBits = 224;

    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string RsaPssOid = "1.2.840.113549.1.1.10";
    private const string DsaOid = "1.2.840.10040.4.1";
    private const string EcOid = "1.2.840.10045.2.1";
    private const string Sha1Oid = "1.3.14.3.2.26";

    /// <summary>Signature algorithms whose digest is MD2, MD4, MD5 or SHA-1.</summary>
    private static readonly HashSet<string> WeakSignatureAlgorithms =
    [
        "1.2.840.113549.1.1.2", // md2WithRSAEncryption
        "1.2.840.113549.1.1.3", // md4WithRSAEncryption
        "1.2.840.113549.1.1.4", // md5WithRSAEncryption
        "1.2.840.113549.1.1.5", // sha1WithRSAEncryption
        "1.3.14.3.2.3", // md5WithRSA (OIW)
        "1.3.14.3.2.29", // sha1WithRSASignature (OIW)
        "1.3.14.3.2.27", // dsaWithSHA1 (OIW)
        "1.2.840.10040.4.3", // id-dsa-with-sha1
        "1.2.840.10045.4.1", // ecdsa-with-SHA1
    ];

    /// <summary>False with a description (algorithm and size, never the key) when the public key is too weak.</summary>
    public static bool IsKeyStrongEnough(X509Certificate2 certificate, out string description)
    {
        var algorithm = certificate.PublicKey.Oid.Value;
        var (bits, minimum, name) = algorithm switch
        {
            RsaOid or RsaPssOid => (KeyBits(() => certificate.PublicKey.GetRSAPublicKey() ?? certificate.GetRSAPublicKey()), MinimumRsaBits, "RSA"),
            DsaOid => (KeyBits(certificate.PublicKey.GetDSAPublicKey), MinimumRsaBits, "DSA"),
            EcOid => (KeyBits(certificate.PublicKey.GetECDsaPublicKey), MinimumEcBits, "EC"),
            _ => (int.MaxValue, 0, algorithm ?? "unknown"),
        };
        description = $"{name} {bits} bits, at least {minimum} required";
        return bits >= minimum;
    }

    /// <summary>False with the algorithm's OID when the certificate's signature uses MD5 or SHA-1 (RFC 6194, RFC 9155).</summary>
    public static bool IsSignatureStrongEnough(X509Certificate2 certificate, out string algorithm)
    {
        algorithm = certificate.SignatureAlgorithm.Value ?? "unknown";
        if (WeakSignatureAlgorithms.Contains(algorithm))
        {
            return false;
        }

        return algorithm != RsaPssOid || PssHashAlgorithm(certificate.RawData) != Sha1Oid;
    }

    /// <summary>
    /// The key's size in bits, or 0 when .NET cannot read the key (which then counts as too weak). Read
    /// from the SubjectPublicKeyInfo alone, as OpenSSL's X509_get0_pubkey: X509Certificate2's own
    /// Get...PublicKey also decodes keyUsage, and a keyUsage that does not decode is not a weak key.
    /// </summary>
    private static int KeyBits(Func<AsymmetricAlgorithm?> read)
    {
        try
        {
            using var key = read();
            return key?.KeySize ?? 0;
        }
        catch (CryptographicException)
        {
            return 0;
        }
    }

    /// <summary>
    /// The hash of an RSASSA-PSS certificate signature (RFC 4055 §3.1: SHA-1 when the parameters
    /// omit it). Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }.
    /// </summary>
    private static string PssHashAlgorithm(byte[] certificateDer)
    {
        try
        {
            var certificate = new AsnReader(certificateDer, AsnEncodingRules.DER).ReadSequence();
            certificate.ReadEncodedValue();
            var signatureAlgorithm = certificate.ReadSequence();
            signatureAlgorithm.ReadObjectIdentifier();
            if (!signatureAlgorithm.HasData)
            {
                return Sha1Oid;
            }

            var parameters = signatureAlgorithm.ReadSequence();
            var hashTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
            if (!parameters.HasData || !parameters.PeekTag().HasSameClassAndValue(hashTag))
            {
                return Sha1Oid;
            }

            return parameters.ReadSequence(hashTag).ReadSequence().ReadObjectIdentifier();
        }
        catch (AsnContentException)
        {
            return Sha1Oid;
        }
    }
}
