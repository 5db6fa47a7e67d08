using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TlsBroker.Testing.Pki;

/// <summary>Everything a test may want to vary in a certificate it generates.</summary>
public sealed record CertificateSpec
{
    public required string CommonName { get; init; }

    public KeyKind Key { get; init; } = KeyKind.EcdsaP256;

    /// <summary>Null: no basicConstraints extension at all.</summary>
    public bool? IsCertificateAuthority { get; init; }

    public int? PathLengthConstraint { get; init; }

    /// <summary>Null: no keyUsage extension.</summary>
    public X509KeyUsageFlags? KeyUsage { get; init; }

    /// <summary>Null: no extendedKeyUsage extension. OIDs, e.g. 1.3.6.1.5.5.7.3.1 for serverAuth.</summary>
    public IReadOnlyList<string>? ExtendedKeyUsages { get; init; }

    public IReadOnlyList<string> DnsNames { get; init; } = [];

    public IReadOnlyList<IPAddress> IpAddresses { get; init; } = [];

    /// <summary>uniformResourceIdentifier entries, written exactly as given (no System.Uri normalisation), e.g. SPIFFE IDs.</summary>
    public IReadOnlyList<string> Uris { get; init; } = [];

    /// <summary>rfc822Name entries, written exactly as given.</summary>
    public IReadOnlyList<string> Emails { get; init; } = [];

    public DateTimeOffset NotBefore { get; init; } = DateTimeOffset.UtcNow.AddDays(-1);

    public DateTimeOffset NotAfter { get; init; } = DateTimeOffset.UtcNow.AddDays(30);

    public HashAlgorithmName SignatureHash { get; init; } = HashAlgorithmName.SHA256;

    /// <summary>
    /// An existing key to certify instead of a fresh one (cross-signed twins, loops); the issued
    /// <see cref="TestCertificate"/> then shares it.
    /// </summary>
    public AsymmetricAlgorithm? SubjectKey { get; init; }

    /// <summary>Null: the SHA-1 of the key, as usual. Otherwise the subjectKeyIdentifier to write instead.</summary>
    public IReadOnlyList<byte>? SubjectKeyIdentifier { get; init; }

    /// <summary>Null: the issuer's subjectKeyIdentifier, as usual. Otherwise the authorityKeyIdentifier keyIdentifier to write instead.</summary>
    public IReadOnlyList<byte>? AuthorityKeyIdentifier { get; init; }

    /// <summary>Further extensions, added as given (name constraints, an unknown critical extension ...).</summary>
    public IReadOnlyList<X509Extension> ExtraExtensions { get; init; } = [];

    public static string ServerAuthOid => "1.3.6.1.5.5.7.3.1";

    public static string ClientAuthOid => "1.3.6.1.5.5.7.3.2";

    /// <summary>
    /// An X509-SVID as SPIRE issues one to a workload (SPIFFE X509-SVID §3.1, §4): one URI SAN, the SPIFFE ID, no DNS
    /// name unless given; not a CA; digitalSignature (and keyEncipherment for RSA); serverAuth and clientAuth.
    /// </summary>
    public static CertificateSpec Svid(string spiffeId, KeyKind key = KeyKind.EcdsaP256) => Server("svid", key) with
    {
        DnsNames = [],
        Uris = [spiffeId],
        ExtendedKeyUsages = [ServerAuthOid, ClientAuthOid],
    };

    public static CertificateSpec Root(string commonName, KeyKind key = KeyKind.EcdsaP256) => new()
    {
        CommonName = commonName,
        Key = key,
        IsCertificateAuthority = true,
        KeyUsage = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign,
        NotBefore = DateTimeOffset.UtcNow.AddDays(-10),
        NotAfter = DateTimeOffset.UtcNow.AddYears(5),
    };

    public static CertificateSpec Intermediate(string commonName, KeyKind key = KeyKind.EcdsaP256) => Root(commonName, key) with
    {
        PathLengthConstraint = 0,
        NotAfter = DateTimeOffset.UtcNow.AddYears(2),
    };

    /// <summary>A TLS client certificate (RFC 5280 §4.2.1.12 id-kp-clientAuth).</summary>
    public static CertificateSpec Client(string commonName, KeyKind key = KeyKind.EcdsaP256) => new()
    {
        CommonName = commonName,
        Key = key,
        IsCertificateAuthority = false,
        KeyUsage = X509KeyUsageFlags.DigitalSignature,
        ExtendedKeyUsages = [ClientAuthOid],
    };

    /// <summary>A server certificate as the CA/Browser Forum baseline wants it.</summary>
    public static CertificateSpec Server(string commonName, KeyKind key = KeyKind.EcdsaP256) => new()
    {
        CommonName = commonName,
        Key = key,
        IsCertificateAuthority = false,
        KeyUsage = key is KeyKind.Rsa2048 or KeyKind.Rsa1024
            ? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment
            : X509KeyUsageFlags.DigitalSignature,
        ExtendedKeyUsages = [ServerAuthOid],
        DnsNames = [commonName],
    };
}
