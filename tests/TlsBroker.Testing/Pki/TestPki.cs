using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TlsBroker.Testing.Pki;

/// <summary>Issues test certificates with .NET's <see cref="CertificateRequest"/>.</summary>
public static class TestPki
{
    private static long serial = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() << 16;

    /// <summary>Issues <paramref name="spec"/>, signed by <paramref name="issuer"/> or self-signed when null.</summary>
    public static TestCertificate Issue(CertificateSpec spec, TestCertificate? issuer = null)
    {
        var key = spec.SubjectKey ?? CreateKey(spec.Key);
        var subject = new X500DistinguishedName($"CN={spec.CommonName}, O=TlsBroker Tests");
        var request = key switch
        {
            ECDsa ec => new CertificateRequest(subject, ec, spec.SignatureHash),
            RSA rsa => new CertificateRequest(subject, rsa, spec.SignatureHash, RSASignaturePadding.Pkcs1),
            _ => throw new InvalidOperationException("unsupported key"),
        };

        AddExtensions(request, spec);
        var serialNumber = NextSerial();
        if (issuer is null)
        {
            using var selfSigned = request.Create(subject, CreateSigner(key, spec.SignatureHash), spec.NotBefore, spec.NotAfter, serialNumber);
            return new TestCertificate(X509CertificateLoader.LoadCertificate(selfSigned.RawData), key);
        }

        request.CertificateExtensions.Add(spec.AuthorityKeyIdentifier is { } authorityKeyId
            ? X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier([.. authorityKeyId])
            : X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer.Certificate, true, false));
        using var signed = request.Create(issuer.Certificate.SubjectName, CreateSigner(issuer.PrivateKey, spec.SignatureHash), spec.NotBefore, spec.NotAfter, serialNumber);
        return new TestCertificate(X509CertificateLoader.LoadCertificate(signed.RawData), key);
    }

    private static void AddExtensions(CertificateRequest request, CertificateSpec spec)
    {
        if (spec.IsCertificateAuthority is { } isCa)
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(
                isCa, spec.PathLengthConstraint.HasValue, spec.PathLengthConstraint ?? 0, critical: true));
        }

        if (spec.KeyUsage is { } keyUsage)
        {
            request.CertificateExtensions.Add(new X509KeyUsageExtension(keyUsage, critical: true));
        }

        if (spec.ExtendedKeyUsages is { } ekus)
        {
            var oids = new OidCollection();
            foreach (var oid in ekus)
            {
                oids.Add(new Oid(oid));
            }

            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, critical: false));
        }

        if (spec.Uris.Count > 0 || spec.Emails.Count > 0)
        {
            request.CertificateExtensions.Add(SubjectAltName(spec));
        }
        else if (spec.DnsNames.Count > 0 || spec.IpAddresses.Count > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var dns in spec.DnsNames)
            {
                san.AddDnsName(dns);
            }

            foreach (var ip in spec.IpAddresses)
            {
                san.AddIpAddress(ip);
            }

            request.CertificateExtensions.Add(san.Build());
        }

        request.CertificateExtensions.Add(spec.SubjectKeyIdentifier is { } subjectKeyId
            ? new X509SubjectKeyIdentifierExtension([.. subjectKeyId], critical: false)
            : new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        foreach (var extension in spec.ExtraExtensions)
        {
            request.CertificateExtensions.Add(extension);
        }
    }

    private static AsymmetricAlgorithm CreateKey(KeyKind kind) => kind switch
    {
        KeyKind.EcdsaP256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        KeyKind.EcdsaP384 => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        KeyKind.EcdsaP521 => ECDsa.Create(ECCurve.NamedCurves.nistP521),
        KeyKind.Rsa2048 => RSA.Create(2048),
        KeyKind.Rsa1024 => RSA.Create(1024),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static X509SignatureGenerator CreateSigner(AsymmetricAlgorithm issuerKey, HashAlgorithmName hash) => issuerKey switch
    {
        _ when hash == HashAlgorithmName.SHA1 => new Sha1SignatureGenerator(issuerKey),
        ECDsa ec => X509SignatureGenerator.CreateForECDsa(ec),
        RSA rsa => X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1),
        _ => throw new InvalidOperationException("unsupported issuer key"),
    };

    private static byte[] NextSerial()
    {
        var value = new BigInteger(Interlocked.Increment(ref serial));
        return value.ToByteArray(isUnsigned: true, isBigEndian: true);
    }

    /// <summary>
    /// RFC 5280 §4.2.1.6 GeneralNames written by hand: SubjectAlternativeNameBuilder.AddUri takes a System.Uri, whose
    /// normalisation would keep a test from writing the exact (or malformed) URI it means to.
    /// </summary>
    private static X509Extension SubjectAltName(CertificateSpec spec)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (var email in spec.Emails)
            {
                writer.WriteCharacterString(UniversalTagNumber.IA5String, email, new Asn1Tag(TagClass.ContextSpecific, 1));
            }

            foreach (var dns in spec.DnsNames)
            {
                writer.WriteCharacterString(UniversalTagNumber.IA5String, dns, new Asn1Tag(TagClass.ContextSpecific, 2));
            }

            foreach (var uri in spec.Uris)
            {
                writer.WriteCharacterString(UniversalTagNumber.IA5String, uri, new Asn1Tag(TagClass.ContextSpecific, 6));
            }

            foreach (var ip in spec.IpAddresses)
            {
                writer.WriteOctetString(ip.GetAddressBytes(), new Asn1Tag(TagClass.ContextSpecific, 7));
            }
        }

        return new X509Extension("2.5.29.17", writer.Encode(), critical: false);
    }
}
