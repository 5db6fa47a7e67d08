using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TlsBroker.Testing.Pki;

/// <summary>
/// Re-signs a generated certificate with its extensions edited at the DER level, for the malformed
/// certificates .NET's <see cref="CertificateRequest"/> refuses to make (a duplicated extension, an
/// extension whose value does not decode, an empty subjectAltName).
/// </summary>
public static class CertificateEditor
{
    /// <summary>
    /// <paramref name="original"/> with its extensions (each an encoded RFC 5280 Extension) replaced by
    /// what <paramref name="edit"/> returns, signed again by <paramref name="issuer"/>.
    /// </summary>
    public static TestCertificate WithExtensions(TestCertificate original, TestCertificate issuer, Func<IReadOnlyList<byte[]>, IEnumerable<byte[]>> edit)
    {
        // RFC 5280 §4.1: Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }.
        var certificate = new AsnReader(original.Der, AsnEncodingRules.DER).ReadSequence();
        var tbs = certificate.ReadSequence();
        var signatureAlgorithm = certificate.ReadEncodedValue().ToArray();
        var extensionsTag = new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true);

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            List<byte[]> extensions = [];
            while (tbs.HasData)
            {
                if (tbs.PeekTag().HasSameClassAndValue(extensionsTag))
                {
                    var list = tbs.ReadSequence(extensionsTag).ReadSequence();
                    while (list.HasData)
                    {
                        extensions.Add(list.ReadEncodedValue().ToArray());
                    }

                    continue;
                }

                writer.WriteEncodedValue(tbs.ReadEncodedValue().Span);
            }

            using (writer.PushSequence(extensionsTag))
            using (writer.PushSequence())
            {
                foreach (var extension in edit(extensions))
                {
                    writer.WriteEncodedValue(extension);
                }
            }
        }

        var signed = writer.Encode();
        var signature = issuer.PrivateKey switch
        {
            ECDsa ec => ec.SignData(signed, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence),
            RSA rsa => rsa.SignData(signed, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => throw new InvalidOperationException("unsupported issuer key"),
        };

        var result = new AsnWriter(AsnEncodingRules.DER);
        using (result.PushSequence())
        {
            result.WriteEncodedValue(signed);
            result.WriteEncodedValue(signatureAlgorithm);
            result.WriteBitString(signature);
        }

        var subjectKey = original.PrivateKey switch
        {
            ECDsa ec => (AsymmetricAlgorithm)ECDsa.Create(ec.ExportParameters(includePrivateParameters: true)),
            RSA rsa => RSA.Create(rsa.ExportParameters(includePrivateParameters: true)),
            _ => throw new InvalidOperationException("unsupported key"),
        };
        return new TestCertificate(X509CertificateLoader.LoadCertificate(result.Encode()), subjectKey);
    }

    /// <summary>An encoded RFC 5280 Extension: SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }.</summary>
    public static byte[] Extension(string oid, byte[] value, bool critical = false)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            if (critical)
            {
                writer.WriteBoolean(true);
            }

            writer.WriteOctetString(value);
        }

        return writer.Encode();
    }

    /// <summary>The extension's OID, read from its encoding.</summary>
    public static string OidOf(byte[] extension) =>
        new AsnReader(extension, AsnEncodingRules.DER).ReadSequence().ReadObjectIdentifier();
}
