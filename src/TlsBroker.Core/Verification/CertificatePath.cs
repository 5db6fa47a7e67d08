using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TlsBroker.Core.Results;

namespace TlsBroker.Core.Verification;

/// <summary>
/// One candidate path from <see cref="PathBuilder"/>, checked by .NET's <see cref="X509Chain"/>
/// given only that path's certificates, leaf first. Only its signatures and its name constraints
/// (and the anchor's own issuers, for an anchor that is not self-signed) come from X509Chain; every
/// other rule is checked by the verifier on <see cref="Certificates"/>.
/// </summary>
/// <remarks>
/// X509Chain links a certificate to an issuer only when the authorityKeyIdentifier matches the issuer's
/// subjectKeyIdentifier (OpenSSL's check_issued). Under the webpki profile key identifiers do not veto
/// (RFC 5280 §4.2.1.1: the identifier "facilitates" finding the key; the signature decides): a link
/// refused for that reason alone, whose signature verifies, splits the path in two X509Chains, the
/// certificates below the link and the path from the issuer up, as long as no CA above the link has
/// name constraints that X509Chain would then not apply to the certificates below it.
/// </remarks>
internal sealed class CertificatePath : IDisposable
{
    private const string NameConstraintsOid = "2.5.29.30";

    private readonly X509Chain chain;
    private readonly CertificatePath? upper;
    private readonly int linked;

    private CertificatePath(X509Chain chain, CandidatePath candidate)
    {
        this.chain = chain;
        linked = chain.ChainElements.Count;
        Certificates = chain.ChainElements.Select(e => new CertificateFacts(e.Certificate)).ToList();
        Untrusted = (Flags(chain.ChainStatus) & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0
            ? DescribeUntrusted(candidate)
            : null;
    }

    /// <summary>The first <paramref name="linked"/> certificates of <paramref name="chain"/>, then <paramref name="upper"/>'s path.</summary>
    private CertificatePath(X509Chain chain, int linked, CertificatePath upper)
    {
        this.chain = chain;
        this.linked = linked;
        this.upper = upper;
        Certificates = [.. chain.ChainElements.Take(linked).Select(e => new CertificateFacts(e.Certificate)), .. upper.Certificates];
        Untrusted = upper.Untrusted;
    }

    private CertificatePath(X509Chain chain, VerifyOutcome failure)
    {
        this.chain = chain;
        Certificates = [];
        Untrusted = failure;
    }

    /// <summary>Leaf first; the last one is the trust anchor when <see cref="Untrusted"/> is null.</summary>
    public IReadOnlyList<CertificateFacts> Certificates { get; }

    /// <summary>The build_chain failure OpenSSL would report, or null when the path ends at an anchor.</summary>
    public VerifyOutcome? Untrusted { get; }

    /// <summary>When every certificate of the path, the anchor included, is within its validity period.</summary>
    public PathValidity Validity => new(
        Certificates.Max(c => c.NotBefore.ToUnixTimeSeconds()),
        Certificates.Min(c => c.NotAfter.ToUnixTimeSeconds()));

    /// <param name="keyIdentifiersVeto">
    /// True under the strict profile: a link X509Chain refuses for a key identifier mismatch stays refused, as
    /// OpenSSL refuses it (X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, with or without -x509_strict).
    /// </param>
    public static CertificatePath Build(CandidatePath candidate, TrustAnchors anchors, DateTimeOffset now, bool keyIdentifiersVeto = false)
    {
        var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        if (candidate.EndsAtAnchor)
        {
            policy.CustomTrustStore.AddRange(anchors.CandidatesFor([candidate.Certificates[^1]]));
        }

        policy.ExtraStore.AddRange(candidate.Certificates.Skip(1).ToArray());
        policy.DisableCertificateDownloads = true;
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.VerificationTime = now.UtcDateTime;
        policy.VerificationTimeIgnored = false;

        // extendedKeyUsage is not asked of X509Chain (ApplicationPolicy): ExtensionRules checks it,
        // and X509Chain would throw on one that does not decode. Build's verdict is not used: the
        // status flags are too coarse to number errors, so the verifier reads the path and re-checks
        // every rule on the certificates themselves.
        try
        {
            chain.Build(candidate.Certificates[0]);
        }
        catch (CryptographicException e)
        {
            chain.Reset();
            return new CertificatePath(chain, ExplicitCurve(candidate) ?? VerifyFailure.At(X509VerifyCode.Unspecified, 0, $"the path's certificates cannot be processed: {e.Message}"));
        }

        if (!keyIdentifiersVeto && LinkRefusedForKeyIdentifierOnly(chain, candidate) is { } linkedCount)
        {
            var upper = Build(candidate with { Certificates = candidate.Certificates.Skip(linkedCount).ToList() }, anchors, now, keyIdentifiersVeto);
            if (upper.Untrusted is null)
            {
                return new CertificatePath(chain, linkedCount, upper);
            }

            upper.Dispose();
        }

        return new CertificatePath(chain, candidate);
    }

    /// <summary>
    /// OpenSSL 3 internal_verify: from the top of the path down, the signature (not the self-signed
    /// anchor's own) and the validity period (RFC 5280 §6.1.3 (a)(2), applied to the anchor too as
    /// OpenSSL does). internal_verify also checks that each issuer's keyUsage allows keyCertSign
    /// (KEYUSAGE_NO_CERTSIGN), but check_extensions has already rejected such an issuer as INVALID_CA.
    /// </summary>
    public VerifyOutcome? CheckSignaturesAndTimes(DateTimeOffset now)
    {
        var at = now.ToUnixTimeSeconds();
        for (var depth = Certificates.Count - 1; depth >= 0; depth--)
        {
            var certificate = Certificates[depth];
            if (depth < Certificates.Count - 1)
            {
                var issuer = Certificates[depth + 1];
                if ((ElementFlags(depth) & X509ChainStatusFlags.NotSignatureValid) != 0)
                {
                    return VerifyFailure.At(X509VerifyCode.CertSignatureFailure, depth, $"the signature on '{certificate.Subject}' does not verify with the key of '{issuer.Subject}'");
                }
            }

            if (certificate.NotBefore.ToUnixTimeSeconds() > at)
            {
                return VerifyFailure.At(X509VerifyCode.CertNotYetValid, depth, $"'{certificate.Subject}' is valid from {certificate.NotBefore:u}");
            }

            if (certificate.NotAfter.ToUnixTimeSeconds() <= at)
            {
                return VerifyFailure.At(X509VerifyCode.CertHasExpired, depth, $"'{certificate.Subject}' expired at {certificate.NotAfter:u}");
            }
        }

        return null;
    }

    /// <summary>
    /// RFC 5280 §4.2.1.10 / §6.1.3 (b)-(c): each certificate's names against the constraints of every
    /// CA above it, from the top down, skipping self-issued intermediates, as OpenSSL 3's
    /// check_name_constraints. X509Chain evaluated them while building; its per-certificate flags
    /// say which kind of violation it found.
    /// </summary>
    public VerifyOutcome? CheckNameConstraints()
    {
        for (var depth = Certificates.Count - 1; depth >= 0; depth--)
        {
            if (depth != 0 && Certificates[depth].IsSelfIssued)
            {
                continue;
            }

            var flags = ElementFlags(depth);
            var subject = Certificates[depth].Subject;
            if ((flags & X509ChainStatusFlags.HasExcludedNameConstraint) != 0)
            {
                return VerifyFailure.At(X509VerifyCode.ExcludedViolation, depth, $"a name of '{subject}' is in a CA's excluded subtrees");
            }

            if ((flags & X509ChainStatusFlags.HasNotPermittedNameConstraint) != 0)
            {
                return VerifyFailure.At(X509VerifyCode.PermittedViolation, depth, $"a name of '{subject}' is outside a CA's permitted subtrees");
            }

            if ((flags & (X509ChainStatusFlags.HasNotSupportedNameConstraint | X509ChainStatusFlags.HasNotDefinedNameConstraint)) != 0)
            {
                return VerifyFailure.At(X509VerifyCode.UnsupportedConstraintType, depth, $"a CA above '{subject}' has a name constraint that cannot be checked");
            }
        }

        return null;
    }

    public void Dispose()
    {
        foreach (var element in chain.ChainElements)
        {
            element.Certificate.Dispose();
        }

        chain.Dispose();
        upper?.Dispose();
    }

    private static X509ChainStatusFlags Flags(IEnumerable<X509ChainStatus> statuses) =>
        statuses.Aggregate(X509ChainStatusFlags.NoError, (all, status) => all | status.Status);

    private X509ChainStatusFlags ElementFlags(int depth) =>
        upper is not null && depth >= linked ? upper.ElementFlags(depth - linked) : Flags(chain.ChainElements[depth].ChainElementStatus);

    /// <summary>
    /// How many certificates X509Chain linked, when it stopped at a candidate issuer only because the
    /// authorityKeyIdentifier names another key, that issuer's key verifies the signature, and no certificate
    /// from it up has name constraints; otherwise null.
    /// </summary>
    private static int? LinkRefusedForKeyIdentifierOnly(X509Chain chain, CandidatePath candidate)
    {
        var count = chain.ChainElements.Count;
        if (!candidate.EndsAtAnchor
            || count == 0
            || count >= candidate.Certificates.Count
            || (Flags(chain.ChainStatus) & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) == 0)
        {
            return null;
        }

        for (var depth = 0; depth < count; depth++)
        {
            if (!chain.ChainElements[depth].Certificate.RawData.AsSpan().SequenceEqual(candidate.Certificates[depth].RawData))
            {
                return null;
            }
        }

        var child = new PathNode(candidate.Certificates[count - 1], isAnchor: false, order: 0);
        var issuer = new PathNode(candidate.Certificates[count], isAnchor: false, order: 0);
        var upperHasNameConstraints = candidate.Certificates.Skip(count).Any(c => c.Extensions[NameConstraintsOid] is not null);
        return child.KeyIdentifierRank(issuer) == PathNode.KeyIdentifiersDiffer && child.IsSignedBy(issuer) == true && !upperHasNameConstraints
            ? count
            : null;
    }

    /// <summary>
    /// OpenSSL 3.0 check_extensions (check_curve), with or without -x509_strict, for every certificate of a path of
    /// more than one: X509_V_ERR_EC_KEY_EXPLICIT_PARAMS. .NET's X509Chain refuses such a path outright, so it is
    /// named here, at the lowest depth that has such a key.
    /// </summary>
    private static VerifyOutcome? ExplicitCurve(CandidatePath candidate)
    {
        if (!candidate.EndsAtAnchor || candidate.Certificates.Count < 2)
        {
            return null;
        }

        for (var depth = 0; depth < candidate.Certificates.Count; depth++)
        {
            var facts = new CertificateFacts(candidate.Certificates[depth]);
            if (facts.HasExplicitCurveParameters)
            {
                return VerifyFailure.At(X509VerifyCode.EcKeyExplicitParams, depth, $"the key of '{facts.Subject}' has explicit elliptic curve parameters instead of a named curve (RFC 5480 §2.1.1)");
            }
        }

        return null;
    }

    /// <summary>OpenSSL 3 build_chain's verdict on a path that did not reach an anchor.</summary>
    private VerifyOutcome DescribeUntrusted(CandidatePath candidate)
    {
        var top = Certificates.Count - 1;
        var certificate = Certificates[top];
        if (certificate.IsSelfIssued)
        {
            return top == 0
                ? VerifyFailure.At(X509VerifyCode.DepthZeroSelfSignedCert, top, $"'{certificate.Subject}' is self-signed and not a trust anchor")
                : VerifyFailure.At(X509VerifyCode.SelfSignedCertInChain, top, $"the root '{certificate.Subject}' is not a trust anchor");
        }

        return VerifyFailure.At(X509VerifyCode.UnableToGetIssuerCertLocally, top, $"no trust anchor or sent certificate is the issuer '{certificate.Certificate.Issuer}'{WhyNotLinked(certificate, candidate, top)}");
    }

    /// <summary>
    /// OpenSSL 3's check_issued (x509_likely_issued) links no certificate whose extensions are invalid,
    /// on either side (ossl_x509v3_cache_extensions: a duplicated or undecodable extension), so such a
    /// certificate ends the path with this error; say which extension it was.
    /// </summary>
    private static string WhyNotLinked(CertificateFacts certificate, CandidatePath candidate, int top)
    {
        if (certificate.InvalidExtensionReason is { } own)
        {
            return $" ('{certificate.Subject}' {own}, so no issuer can be linked to it)";
        }

        if (top + 1 < candidate.Certificates.Count
            && new CertificateFacts(candidate.Certificates[top + 1]).InvalidExtensionReason is { } issuers)
        {
            return $" that has valid extensions (the candidate issuer {issuers})";
        }

        return string.Empty;
    }
}
