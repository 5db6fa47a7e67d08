using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.X509;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace TlsBroker.Core.Verification;

/// <summary>One certificate as path building sees it: names, key identifiers and key, read once per verification.</summary>
internal sealed class PathNode
{
    private BcCertificate? parsed;
    private bool unparsable;

    public PathNode(X509Certificate2 certificate, bool isAnchor, int order)
    {
        Certificate = certificate;
        IsAnchor = isAnchor;
        Order = order;
        SubjectKey = TrustAnchors.NameKey(certificate.SubjectName);
        IssuerKey = TrustAnchors.NameKey(certificate.IssuerName);
        PublicKeyInfo = certificate.PublicKey.EncodedKeyValue.RawData;
        foreach (var extension in certificate.Extensions)
        {
            try
            {
                switch (extension.Oid?.Value)
                {
                    case "2.5.29.14":
                        SubjectKeyIdentifier = new X509SubjectKeyIdentifierExtension(extension, extension.Critical).SubjectKeyIdentifierBytes.ToArray();
                        break;
                    case "2.5.29.35":
                        AuthorityKeyIdentifier = new X509AuthorityKeyIdentifierExtension(extension.RawData, extension.Critical).KeyIdentifier?.ToArray();
                        break;
                }
            }
            catch (CryptographicException)
            {
                // A key identifier that does not decode only guides nothing; the signature still decides.
            }
        }
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate is one of the policy's trust anchors (configured, or sent and identical to one).</summary>
    public bool IsAnchor { get; }

    /// <summary>Anchors first, then the certificates in the order the server sent them.</summary>
    public int Order { get; }

    public string SubjectKey { get; }

    public string IssuerKey { get; }

    public byte[] PublicKeyInfo { get; }

    public byte[]? SubjectKeyIdentifier { get; }

    public byte[]? AuthorityKeyIdentifier { get; }

    public bool IsSameCertificate(PathNode other) =>
        ReferenceEquals(this, other) || Certificate.RawData.AsSpan().SequenceEqual(other.Certificate.RawData);

    /// <summary>RFC 4158 §5.2: a certificate whose subject and key are already in the path closes a loop.</summary>
    public bool HasSameSubjectAndKey(PathNode other) =>
        SubjectKey == other.SubjectKey && PublicKeyInfo.AsSpan().SequenceEqual(other.PublicKeyInfo);

    /// <summary>
    /// RFC 5280 §4.2.1.1: the authority key identifier "facilitates" finding the issuer's key; 0 when it
    /// matches <paramref name="issuer"/>'s subject key identifier, 1 when either is absent, 2 when they differ.
    /// </summary>
    public int KeyIdentifierRank(PathNode issuer) =>
        AuthorityKeyIdentifier is null || issuer.SubjectKeyIdentifier is null ? 1
        : AuthorityKeyIdentifier.AsSpan().SequenceEqual(issuer.SubjectKeyIdentifier) ? 0
        : KeyIdentifiersDiffer;

    /// <summary>The <see cref="KeyIdentifierRank"/> of an issuer whose subjectKeyIdentifier is not the authorityKeyIdentifier.</summary>
    public const int KeyIdentifiersDiffer = 2;

    public bool IsValidAt(DateTimeOffset now)
    {
        var at = now.ToUnixTimeSeconds();
        return new DateTimeOffset(Certificate.NotBefore.ToUniversalTime()).ToUnixTimeSeconds() <= at
            && at < new DateTimeOffset(Certificate.NotAfter.ToUniversalTime()).ToUnixTimeSeconds();
    }

    /// <summary>Whether <paramref name="issuer"/>'s key verifies this certificate's signature; null when it cannot be told.</summary>
    public bool? IsSignedBy(PathNode issuer)
    {
        if (SignatureCheck.Verifies(Certificate, issuer.Certificate) is { } verdict)
        {
            return verdict;
        }

        var certificate = Parsed();
        var issuerCertificate = issuer.Parsed();
        if (certificate is null || issuerCertificate is null)
        {
            return null;
        }

        try
        {
            return certificate.IsSignatureValid(issuerCertificate.GetPublicKey());
        }
        catch (Exception)
        {
            // Only the order candidates are tried in depends on this answer; the path's own
            // verification checks the signature again and reports what is wrong with it.
            return null;
        }
    }

    private BcCertificate? Parsed()
    {
        if (parsed is null && !unparsable)
        {
            try
            {
                parsed = new X509CertificateParser().ReadCertificate(Certificate.RawData);
            }
            catch (Exception)
            {
                // As for IsSignedBy: a certificate BouncyCastle cannot read is still tried, just not first.
                unparsable = true;
            }
        }

        return parsed;
    }
}
