using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TlsBroker.Core.Verification;

/// <summary>What the rules need to know about one certificate of the path, read once from its extensions.</summary>
internal sealed class CertificateFacts
{
    private const string BasicConstraintsOid = "2.5.29.19";
    private const string KeyUsageOid = "2.5.29.15";
    private const string ExtendedKeyUsageOid = "2.5.29.37";
    private const string SubjectAltNameOid = "2.5.29.17";
    private const string NameConstraintsOid = "2.5.29.30";
    private const string SubjectKeyIdentifierOid = "2.5.29.14";
    private const string AuthorityKeyIdentifierOid = "2.5.29.35";
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";

    /// <summary>
    /// The extensions OpenSSL 3 knows how to process (X509_supported_extension in crypto/x509/v3_purp.c);
    /// RFC 5280 §4.2: a certificate with any other critical extension must be rejected.
    /// </summary>
    private static readonly HashSet<string> ProcessedExtensions =
    [
        "2.16.840.1.113730.1.1", // Netscape certificate type
        KeyUsageOid,
        SubjectAltNameOid,
        BasicConstraintsOid,
        "2.5.29.32", // certificatePolicies
        "2.5.29.31", // cRLDistributionPoints
        ExtendedKeyUsageOid,
        "1.3.6.1.5.5.7.1.7", // RFC 3779 IP address blocks
        "1.3.6.1.5.5.7.1.8", // RFC 3779 AS identifiers
        "1.3.6.1.5.5.7.48.1.5", // OCSP no-check
        "2.5.29.36", // policyConstraints
        "1.3.6.1.5.5.7.1.14", // proxyCertInfo
        NameConstraintsOid,
        "2.5.29.33", // policyMappings
        "2.5.29.54", // inhibitAnyPolicy
    ];

    public CertificateFacts(X509Certificate2 certificate)
    {
        Certificate = certificate;
        IsSelfIssued = certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);
        NotBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime());
        NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var extension in certificate.Extensions)
        {
            var oid = extension.Oid?.Value ?? string.Empty;
            if (!seen.Add(oid))
            {
                DuplicatedExtension ??= oid;
            }

            if (extension.Critical && !ProcessedExtensions.Contains(oid) && UnhandledCriticalExtension is null)
            {
                UnhandledCriticalExtension = oid;
            }

            try
            {
                Read(oid, extension);
            }
            catch (Exception e) when (e is CryptographicException or AsnContentException)
            {
                MalformedExtension ??= oid;
            }
        }
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The OID of the first extension whose value does not decode, or null.</summary>
    public string? MalformedExtension { get; private set; }

    public string Subject => Certificate.Subject;

    /// <summary>Subject and issuer names are the same (RFC 5280 §6.1: self-issued).</summary>
    public bool IsSelfIssued { get; }

    public DateTimeOffset NotBefore { get; }

    public DateTimeOffset NotAfter { get; }

    public bool HasBasicConstraints { get; private set; }

    public bool IsCertificateAuthority { get; private set; }

    public int? PathLengthConstraint { get; private set; }

    /// <summary>
    /// The OID of the first extension that appears twice, or null. RFC 5280 §4.2: "A certificate MUST
    /// NOT include more than one instance of a particular extension."
    /// </summary>
    public string? DuplicatedExtension { get; private set; }

    /// <summary>What makes the extensions invalid in OpenSSL's sense (duplicated or undecodable), or null.</summary>
    public string? InvalidExtensionReason =>
        DuplicatedExtension is { } duplicated ? $"has extension {duplicated} twice"
        : MalformedExtension is { } malformed ? $"has extension {malformed} that does not decode"
        : null;

    /// <summary>A subjectAltName extension is present and holds no name.</summary>
    public bool HasEmptySubjectAltName { get; private set; }

    /// <summary>Null when the certificate has no subjectAltName extension; otherwise whether it is marked critical.</summary>
    public bool? SubjectAltNameCritical { get; private set; }

    /// <summary>Null when the certificate has no basicConstraints extension; otherwise whether it is marked critical.</summary>
    public bool? BasicConstraintsCritical { get; private set; }

    public bool HasSubjectKeyIdentifier { get; private set; }

    /// <summary>The authorityKeyIdentifier extension is present and has its keyIdentifier field.</summary>
    public bool HasAuthorityKeyId { get; private set; }

    /// <summary>Null when the certificate has no keyUsage extension.</summary>
    public X509KeyUsageFlags? KeyUsage { get; private set; }

    /// <summary>Null when the certificate has no extendedKeyUsage extension.</summary>
    public IReadOnlyList<string>? ExtendedKeyUsages { get; private set; }

    /// <summary>The OID of the first critical extension nothing here processes, or null.</summary>
    public string? UnhandledCriticalExtension { get; private set; }

    /// <summary>RFC 5280 §4.2.1.3: a keyUsage extension, when present, must allow keyCertSign for a CA's key to sign certificates.</summary>
    public bool MaySignCertificates => KeyUsage is not { } usage || (usage & X509KeyUsageFlags.KeyCertSign) != 0;

    /// <summary>
    /// RFC 5480 §2.1.1: "specifiedCurve, which is of type SpecifiedECDomain type and is defined in [X9.62], allows
    /// all of the elliptic curve domain parameters to be explicitly specified. This choice MUST NOT be used."
    /// </summary>
    public bool HasExplicitCurveParameters =>
        Certificate.PublicKey.Oid.Value == EcPublicKeyOid
        && Certificate.PublicKey.EncodedParameters?.RawData is [0x30, ..];

    /// <summary>
    /// OpenSSL's X509_check_ca verdict (crypto/x509/v3_purp.c check_ca): 1 a CA by basicConstraints,
    /// 0 not a CA, 3 a version 1 self-signed root, 4 no basicConstraints but keyUsage keyCertSign.
    /// </summary>
    public int CaVerdict
    {
        get
        {
            if (!MaySignCertificates)
            {
                return 0;
            }

            if (HasBasicConstraints)
            {
                return IsCertificateAuthority ? 1 : 0;
            }

            if (Certificate.Version == 1 && IsSelfIssued)
            {
                return 3;
            }

            return KeyUsage is not null ? 4 : 0;
        }
    }

    private void Read(string oid, X509Extension extension)
    {
        switch (oid)
        {
            case BasicConstraintsOid:
                var constraints = new X509BasicConstraintsExtension(extension, extension.Critical);
                IsCertificateAuthority = constraints.CertificateAuthority;
                PathLengthConstraint = constraints.HasPathLengthConstraint ? constraints.PathLengthConstraint : null;
                HasBasicConstraints = true;
                BasicConstraintsCritical = extension.Critical;

                // RFC 5280 §4.2.1.9: pathLenConstraint INTEGER (0..MAX); OpenSSL marks a negative one invalid.
                if (PathLengthConstraint < 0)
                {
                    MalformedExtension ??= oid;
                }

                break;
            case KeyUsageOid:
                KeyUsage = new X509KeyUsageExtension(extension, extension.Critical).KeyUsages;
                break;
            case ExtendedKeyUsageOid:
                var usages = new X509EnhancedKeyUsageExtension(extension, extension.Critical).EnhancedKeyUsages;
                ExtendedKeyUsages = usages.Cast<Oid>().Select(o => o.Value ?? string.Empty).ToList();
                break;
            case SubjectAltNameOid:
                SubjectAltNameCritical = extension.Critical;
                HasEmptySubjectAltName = !new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence().HasData;
                break;

            // Read to tell whether they decode, as OpenSSL's ossl_x509v3_cache_extensions does, and for
            // the strict profile's rules; X509Chain applies name constraints, and key identifiers only guide path building.
            case NameConstraintsOid:
                new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
                break;
            case SubjectKeyIdentifierOid:
                HasSubjectKeyIdentifier = true;
                _ = new X509SubjectKeyIdentifierExtension(extension, extension.Critical).SubjectKeyIdentifierBytes;
                break;
            case AuthorityKeyIdentifierOid:
                HasAuthorityKeyId = new X509AuthorityKeyIdentifierExtension(extension.RawData, extension.Critical).KeyIdentifier is not null;
                break;
        }
    }
}
