using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace TlsBroker.Core.Identity;

/// <summary>Whether a client key is of a kind the broker signs with, and belongs to the client certificate.</summary>
internal static class ClientKeyCheck
{
    /// <summary>NIST SP 800-57 Part 1 §5.6.1 (112-bit security) and OpenSSL's default security level 2: RSA of 2048 bits or more.</summary>
    public const int MinRsaBits = 2048;

    private const string Supported = "supported: ECDSA P-256 or P-384, RSA of 2048 bits or more, Ed25519";

    public static ClientKeyKind? Check(AsymmetricKeyParameter key, X509CertificateStructure certificate, List<string> problems)
    {
        var kind = Classify(key, problems);
        if (kind is null)
        {
            return null;
        }

        AsymmetricKeyParameter certificateKey;
        try
        {
            certificateKey = PublicKeyFactory.CreateKey(certificate.SubjectPublicKeyInfo);
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException or SecurityUtilityException)
        {
            problems.Add($"ClientIdentity: the public key of the certificate '{certificate.Subject}' is not one the broker reads");
            return null;
        }

        if (!Matches(key, certificateKey))
        {
            problems.Add($"ClientIdentity: the private key does not match the certificate '{certificate.Subject}' (the first certificate must be the client certificate)");
            return null;
        }

        return kind;
    }

    private static ClientKeyKind? Classify(AsymmetricKeyParameter key, List<string> problems)
    {
        switch (key)
        {
            case RsaKeyParameters rsa:
                var bits = rsa.Modulus.BitLength;
                if (bits < MinRsaBits)
                {
                    problems.Add($"ClientIdentity: the key is RSA {bits}; RSA keys need at least {MinRsaBits} bits");
                    return null;
                }

                return new ClientKeyKind(ClientKeyAlgorithm.Rsa, bits);
            case ECPrivateKeyParameters ec when SecObjectIdentifiers.SecP256r1.Equals(ec.PublicKeyParamSet):
                return new ClientKeyKind(ClientKeyAlgorithm.EcdsaP256);
            case ECPrivateKeyParameters ec when SecObjectIdentifiers.SecP384r1.Equals(ec.PublicKeyParamSet):
                return new ClientKeyKind(ClientKeyAlgorithm.EcdsaP384);
            case ECPrivateKeyParameters ec:
                // RFC 8446 §4.2.3 and RFC 8422 §5.1.1: only named curves; explicit parameters are refused as OpenSSL refuses them.
                problems.Add(ec.PublicKeyParamSet is null
                    ? $"ClientIdentity: the EC key has explicit curve parameters; {Supported}"
                    : $"ClientIdentity: the EC key is on curve {ec.PublicKeyParamSet}; {Supported}");
                return null;
            case Ed25519PrivateKeyParameters:
                return new ClientKeyKind(ClientKeyAlgorithm.Ed25519);
            default:
                problems.Add($"ClientIdentity: a {KeyName(key)} key is not supported; {Supported}");
                return null;
        }
    }

    private static bool Matches(AsymmetricKeyParameter key, AsymmetricKeyParameter certificateKey) => (key, certificateKey) switch
    {
        (RsaPrivateCrtKeyParameters rsa, RsaKeyParameters { IsPrivate: false } pub) =>
            rsa.Modulus.Equals(pub.Modulus) && rsa.PublicExponent.Equals(pub.Exponent),
        (ECPrivateKeyParameters ec, ECPublicKeyParameters pub) =>
            ec.PublicKeyParamSet.Equals(pub.PublicKeyParamSet)
            && ec.Parameters.G.Multiply(ec.D).Normalize().GetEncoded(false).AsSpan().SequenceEqual(pub.Q.GetEncoded(false)),
        (Ed25519PrivateKeyParameters ed, Ed25519PublicKeyParameters pub) =>
            ed.GeneratePublicKey().GetEncoded().AsSpan().SequenceEqual(pub.GetEncoded()),
        _ => false,
    };

    private static string KeyName(AsymmetricKeyParameter key) => key switch
    {
        DsaKeyParameters => "DSA",
        Ed448PrivateKeyParameters => "Ed448",
        _ => key.GetType().Name.Replace("PrivateKeyParameters", string.Empty, StringComparison.Ordinal),
    };
}
