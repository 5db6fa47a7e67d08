using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TlsBroker.Testing.Pki;

/// <summary>
/// Re-signs a generated certificate with its extensions or other tbsCertificate fields edited at the DER level, for the malformed
/// certificates .NET's <see cref="CertificateRequest"/> refuses to make (a duplicated extension, an
/// extension whose value does not decode, an empty subjectAltName, an empty name, a version 2 certificate with extensions).
/// </summary>
public static class CertificateEditor
{
    /// <summary>
    /// <paramref name="original"/> with its extensions (each an encoded RFC 5280 Extension) replaced by
    /// what <paramref name="edit"/> returns, signed again by <paramref name="issuer"/>.
    /// </summary>
    public static TestCertificate WithExtensions(TestCertificate original, TestCertificate issuer, Func<IReadOnlyList<byte[]>, IEnumerable<byte[]>> edit) =>
        WithTbsFields(original, issuer, fields => EditExtensions(fields, edit));

    /// <summary>tbsCertificate <paramref name="fields"/> with the extensions of the [3] field replaced by what <paramref name="edit"/> returns.</summary>
    public static IEnumerable<byte[]> EditExtensions(IEnumerable<byte[]> fields, Func<IReadOnlyList<byte[]>, IEnumerable<byte[]>> edit)
    {
        var extensionsTag = new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true);
        foreach (var field in fields)
        {
            if (!new AsnReader(field, AsnEncodingRules.DER).PeekTag().HasSameClassAndValue(extensionsTag))
            {
                yield return field;
                continue;
            }

            List<byte[]> extensions = [];
            var list = new AsnReader(field, AsnEncodingRules.DER).ReadSequence(extensionsTag).ReadSequence();
            while (list.HasData)
            {
                extensions.Add(list.ReadEncodedValue().ToArray());
            }

            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence(extensionsTag))
            using (writer.PushSequence())
            {
                foreach (var extension in edit(extensions))
                {
                    writer.WriteEncodedValue(extension);
                }
            }

            yield return writer.Encode();
        }
    }

    /// <summary>
    /// <paramref name="original"/> with the fields of its tbsCertificate (each encoded: [0] version, serialNumber,
    /// signature, issuer, validity, subject, subjectPublicKeyInfo, [3] extensions) replaced by what
    /// <paramref name="edit"/> returns, signed again by <paramref name="issuer"/> with the original signatureAlgorithm.
    /// </summary>
    public static TestCertificate WithTbsFields(TestCertificate original, TestCertificate issuer, Func<IReadOnlyList<byte[]>, IEnumerable<byte[]>> edit)
    {
        // RFC 5280 §4.1: Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }.
        var certificate = new AsnReader(original.Der, AsnEncodingRules.DER).ReadSequence();
        var tbs = certificate.ReadSequence();
        var signatureAlgorithm = certificate.ReadEncodedValue().ToArray();
        List<byte[]> fields = [];
        while (tbs.HasData)
        {
            fields.Add(tbs.ReadEncodedValue().ToArray());
        }

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (var field in edit(fields))
            {
                writer.WriteEncodedValue(field);
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

    /// <summary><paramref name="extension"/> with the same OID and value, marked critical or not.</summary>
    public static byte[] WithCriticality(byte[] extension, bool critical)
    {
        var sequence = new AsnReader(extension, AsnEncodingRules.DER).ReadSequence();
        var oid = sequence.ReadObjectIdentifier();
        if (sequence.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean))
        {
            sequence.ReadBoolean();
        }

        return Extension(oid, sequence.ReadOctetString(), critical);
    }

    /// <summary>
    /// <paramref name="key"/>'s SubjectPublicKeyInfo with its curve spelled out as RFC 3279 §2.3.5 ECParameters
    /// (specifiedCurve) instead of a named curve, which RFC 5480 §2.1.1 forbids.
    /// </summary>
    public static byte[] ExplicitCurvePublicKeyInfo(ECDsa key)
    {
        var parameters = key.ExportExplicitParameters(includePrivateParameters: false);
        var curve = parameters.Curve;
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("1.2.840.10045.2.1");
                using (writer.PushSequence())
                {
                    writer.WriteInteger(1);
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier("1.2.840.10045.1.1");
                        writer.WriteIntegerUnsigned(curve.Prime);
                    }

                    using (writer.PushSequence())
                    {
                        writer.WriteOctetString(curve.A);
                        writer.WriteOctetString(curve.B);
                        if (curve.Seed is { } seed)
                        {
                            writer.WriteBitString(seed);
                        }
                    }

                    writer.WriteOctetString([0x04, .. curve.G.X!, .. curve.G.Y!]);
                    writer.WriteIntegerUnsigned(curve.Order);
                    writer.WriteIntegerUnsigned(curve.Cofactor);
                }
            }

            writer.WriteBitString([0x04, .. parameters.Q.X!, .. parameters.Q.Y!]);
        }

        return writer.Encode();
    }

    /// <summary>The extension's OID, read from its encoding.</summary>
    public static string OidOf(byte[] extension) =>
        new AsnReader(extension, AsnEncodingRules.DER).ReadSequence().ReadObjectIdentifier();
}
