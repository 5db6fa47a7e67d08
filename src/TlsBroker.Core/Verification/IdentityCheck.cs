using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TlsBroker.Core.Results;

namespace TlsBroker.Core.Verification;

/// <summary>
/// RFC 6125 §6 matching of the expected identities against the server certificate, as browsers apply it:
/// subjectAltName only, never the subject CN (RFC 6125 §6.4.4 allows the CN fallback; the CA/Browser
/// Forum baseline and browsers do not, and neither do we, although OpenSSL's default does), nor the subject's
/// emailAddress (RFC 5280 §4.2.1.6: email identities belong in rfc822Name; OpenSSL's X509_check_email falls back to it).
/// </summary>
/// <remarks>
/// Order, as OpenSSL 3's check_id (hosts, then email, then IP), then the URIs OpenSSL does not check: the server name,
/// the request's identities by type, the policy's alternatives. The first type not proven is reported.
/// </remarks>
internal static class IdentityCheck
{
    private const int NamesInReason = 5;

    private static readonly IdentityKind[] TypeOrder = [IdentityKind.Dns, IdentityKind.Email, IdentityKind.IpAddress, IdentityKind.Uri];

    public static VerifyOutcome? Check(X509Certificate2 leaf, IdentityExpectation expectation, PolicyIdentities policy)
    {
        var names = new LeafNames(leaf);
        var checkedAny = false;
        if (expectation.ServerName is { } server && policy.CheckServerName)
        {
            checkedAny = true;
            if (CheckAnyOf(names, [ExpectedIdentity.For(server)], string.Empty) is { } failure)
            {
                return failure;
            }
        }

        foreach (var type in TypeOrder)
        {
            var alternatives = expectation.Required.Where(identity => identity.NameType == type).ToList();
            if (alternatives.Count > 0)
            {
                checkedAny = true;
                if (CheckAnyOf(names, alternatives, string.Empty) is { } failure)
                {
                    return failure;
                }
            }
        }

        if (policy.AnyOf.Count > 0)
        {
            checkedAny = true;
            if (CheckAnyOf(names, policy.AnyOf, " (the policy's ExpectedIdentities and SpiffeTrustDomain)") is { } failure)
            {
                return failure;
            }
        }

        // Fails closed: every caller names something to prove (the Start's server name, or the Verify request's identities).
        return checkedAny ? null : VerifyFailure.At(X509VerifyCode.HostnameMismatch, 0, "no server name or identity to verify the certificate against");
    }

    /// <summary>
    /// RFC 6125 §6.4.1 (case-insensitive, trailing dot ignored) and §6.4.3 as browsers restrict it:
    /// a wildcard only as the entire left-most label, matching exactly one label, with at least two
    /// labels after it. "f*.example.com" and "*.*.example.com" match nothing.
    /// </summary>
    internal static bool DnsNameMatches(string pattern, string hostName)
    {
        var normalised = (pattern.EndsWith('.') ? pattern[..^1] : pattern).ToLowerInvariant();
        if (!normalised.StartsWith("*.", StringComparison.Ordinal))
        {
            return !normalised.Contains('*', StringComparison.Ordinal) && normalised == hostName;
        }

        var suffix = normalised[1..];
        if (suffix.Contains('*', StringComparison.Ordinal) || suffix.Count(c => c == '.') < 2)
        {
            return false;
        }

        var firstDot = hostName.IndexOf('.', StringComparison.Ordinal);
        return firstDot > 0 && hostName[firstDot..] == suffix;
    }

    private static VerifyOutcome? CheckAnyOf(LeafNames names, IReadOnlyList<ExpectedIdentity> alternatives, string source)
    {
        var code = alternatives.Select(identity => identity.MismatchCode).Distinct().Count() == 1
            ? alternatives[0].MismatchCode
            : X509VerifyCode.HostnameMismatch;
        try
        {
            if (alternatives.Any(identity => Matches(names, identity)))
            {
                return null;
            }

            var expected = alternatives.Count == 1 ? $"'{Show(alternatives[0])}'" : $"one of {string.Join(", ", alternatives.Select(Show))}";
            var presented = alternatives.Select(identity => identity.NameType).Distinct().Select(type => $"{Plural(type)} are {List(names.Of(type))}");
            return VerifyFailure.At(code, 0, $"expected {expected}{source}; the certificate's {string.Join(", its ", presented)}{SvidProblem(names, alternatives)}");
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException)
        {
            return VerifyFailure.At(code, 0, "the certificate's subjectAltName does not decode");
        }
    }

    private static bool Matches(LeafNames names, ExpectedIdentity identity) => identity.Kind switch
    {
        IdentityKind.Dns => names.Of(IdentityKind.Dns).Any(pattern => DnsNameMatches(pattern, identity.Value)),

        // IP literals compare as addresses (RFC 6125 §6.2.1): both sides are in IPAddress.ToString's canonical form.
        IdentityKind.IpAddress => names.Of(IdentityKind.IpAddress).Contains(identity.Value, StringComparer.Ordinal),
        IdentityKind.Email => names.Of(IdentityKind.Email).Any(presented => EmailName.Matches(presented, identity.Value)),
        IdentityKind.Uri => names.Of(IdentityKind.Uri).Any(presented => UriName.Normalize(presented, out var normalized) is null && normalized == identity.Value),
        _ => SvidMatches(names.Of(IdentityKind.Uri), identity),
    };

    /// <summary>
    /// X509-SVID §2: "An X.509 SVID MUST contain exactly one URI SAN, and by extension, exactly one SPIFFE ID"; a
    /// certificate with more is not an SVID and proves no SPIFFE ID, not even one of its URIs.
    /// </summary>
    private static bool SvidMatches(List<string> uris, ExpectedIdentity identity) =>
        uris.Count == 1
        && SpiffeId.Check(uris[0], out var trustDomain, out _) is null
        && (identity.Kind == IdentityKind.SpiffeId ? uris[0] == identity.Value : trustDomain == identity.Value);

    private static string SvidProblem(LeafNames names, IReadOnlyList<ExpectedIdentity> alternatives)
    {
        if (!alternatives.Any(identity => identity.Kind is IdentityKind.SpiffeId or IdentityKind.SpiffeTrustDomain))
        {
            return string.Empty;
        }

        var uris = names.Of(IdentityKind.Uri);
        if (uris.Count > 1)
        {
            return $"; an X509-SVID has exactly one URI SAN (SPIFFE X509-SVID §2), this certificate has {uris.Count}";
        }

        return uris.Count == 1 && SpiffeId.Check(uris[0], out _, out _) is { } problem
            ? $"; its URI is not a SPIFFE ID: {problem}"
            : string.Empty;
    }

    private static string Show(ExpectedIdentity identity) =>
        identity.Kind is IdentityKind.Dns or IdentityKind.IpAddress ? identity.Value : identity.ToString();

    private static string Plural(IdentityKind type) => type switch
    {
        IdentityKind.Dns => "DNS names",
        IdentityKind.IpAddress => "IP addresses",
        IdentityKind.Email => "email addresses",
        _ => "URIs",
    };

    private static string List(IEnumerable<string> names)
    {
        var all = names.ToList();
        return all.Count == 0
            ? "none"
            : string.Join(", ", all.Take(NamesInReason).Select(Printable)) + (all.Count > NamesInReason ? $" and {all.Count - NamesInReason} more" : string.Empty);
    }

    /// <summary>URI and rfc822Name entries are IA5Strings, which may hold control characters; reasons reach logs.</summary>
    private static string Printable(string name) => string.Concat(name.Select(c => char.IsControl(c) ? '?' : c));
}
