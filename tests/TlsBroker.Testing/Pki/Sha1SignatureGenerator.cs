using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TlsBroker.Testing.Pki;

/// <summary>
/// Signs certificates with SHA-1 (sha1WithRSAEncryption, ecdsa-with-SHA1), which .NET's own
/// generators refuse, so that tests can show SHA-1 certificates are rejected.
/// </summary>
internal sealed class Sha1SignatureGenerator(AsymmetricAlgorithm key) : X509SignatureGenerator
{
    private const string Sha1WithRsaOid = "1.2.840.113549.1.1.5";
    private const string EcdsaWithSha1Oid = "1.2.840.10045.4.1";

    private readonly X509SignatureGenerator inner = key switch
    {
        ECDsa ec => CreateForECDsa(ec),
        RSA rsa => CreateForRSA(rsa, RSASignaturePadding.Pkcs1),
        _ => throw new InvalidOperationException("unsupported key"),
    };

    public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            if (key is RSA)
            {
                writer.WriteObjectIdentifier(Sha1WithRsaOid);
                writer.WriteNull();
            }
            else
            {
                writer.WriteObjectIdentifier(EcdsaWithSha1Oid);
            }
        }

        return writer.Encode();
    }

    public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm) => key switch
    {
        RSA rsa => rsa.SignData(data, HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1),
        ECDsa ec => ec.SignData(data, HashAlgorithmName.SHA1, DSASignatureFormat.Rfc3279DerSequence),
        _ => throw new InvalidOperationException("unsupported key"),
    };

    protected override PublicKey BuildPublicKey() => inner.PublicKey;
}
