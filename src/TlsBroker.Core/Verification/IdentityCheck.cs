using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TlsBroker.Core.Results;

namespace TlsBroker.Core.Verification;

/// <summary>
/// RFC 6125 §6 matching of the expected name against the server certificate, as browsers apply it:
/// subjectAltName only, never the subject CN (RFC 6125 §6.4.4 allows the CN fallback; the CA/Browser
/// Forum baseline and browsers do not, and neither do we, although OpenSSL's default does).
/// </summary>
internal static class IdentityCheck
{
    private const string SubjectAltNameOid = "2.5.29.17";
    private const int NamesInReason = 5;

    public static VerifyOutcome? Check(X509Certificate2 leaf, ServerIdentity identity)
    {
        var code = identity.IsIpAddress ? X509VerifyCode.IpAddressMismatch : X509VerifyCode.HostnameMismatch;
        List<string> names;
        try
        {
            var san = SubjectAltName(leaf);
            names = identity.IsIpAddress
                ? san?.EnumerateIPAddresses().Select(ip => ip.ToString()).ToList() ?? []
                : san?.EnumerateDnsNames().ToList() ?? [];
        }
        catch (CryptographicException)
        {
            return VerifyFailure.At(code, 0, "the certificate's subjectAltName does not decode");
        }

        // IP literals compare as addresses (RFC 6125 §6.2.1): both sides are in IPAddress.ToString's canonical form.
        var matches = identity.IsIpAddress
            ? names.Contains(identity.Name, StringComparer.Ordinal)
            : names.Any(pattern => DnsNameMatches(pattern, identity.Name));
        return matches
            ? null
            : VerifyFailure.At(code, 0, $"expected '{identity.Name}'; the certificate's {(identity.IsIpAddress ? "IP addresses" : "DNS names")} are {List(names)}");
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

    private static X509SubjectAlternativeNameExtension? SubjectAltName(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions[SubjectAltNameOid];
        return extension switch
        {
            null => null,
            X509SubjectAlternativeNameExtension typed => typed,
            _ => new X509SubjectAlternativeNameExtension(extension.RawData, extension.Critical),
        };
    }

    private static string List(IEnumerable<string> names)
    {
        var all = names.ToList();
        return all.Count == 0
            ? "none"
            : string.Join(", ", all.Take(NamesInReason)) + (all.Count > NamesInReason ? $" and {all.Count - NamesInReason} more" : string.Empty);
    }
}
