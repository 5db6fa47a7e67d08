using System.Formats.Asn1;
using System.Globalization;

namespace TlsBroker.Core.Verification;

/// <summary>
/// What a policy asks of a chain beyond the WebPKI rules: the extended key usages the server's
/// certificate must allow (any one of them), the most intermediates a path may have, and the profile.
/// </summary>
/// <param name="ExtendedKeyUsages">Dotted OIDs, in configuration order; serverAuth by default.</param>
/// <param name="MaxDepth">Intermediates allowed between the leaf and the trust anchor, as X509_VERIFY_PARAM_set_depth(3) counts them.</param>
/// <param name="Profile">The certificate-profile rules: WebPKI by default, or OpenSSL's <c>-x509_strict</c> ones on top.</param>
public sealed record ChainRequirements(IReadOnlyList<string> ExtendedKeyUsages, int MaxDepth, VerificationProfile Profile = VerificationProfile.WebPki)
{
    public const string WebPkiProfileName = "webpki";

    public const string StrictProfileName = "strict";

    public const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    public const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>OpenSSL's default verify depth (X509_VERIFY_PARAM_set_depth(3)), also the highest a policy may set.</summary>
    public const int DefaultMaxDepth = 100;

    public static ChainRequirements Default { get; } = new([ServerAuthOid], DefaultMaxDepth);

    /// <summary>The identities the policy expects beyond (or instead of) the server name; part of <see cref="Fingerprint"/>.</summary>
    public PolicyIdentities Identities { get; init; } = PolicyIdentities.ServerNameOnly;

    /// <summary>Certificates in one path, trust anchor included: the intermediates plus the leaf and the anchor.</summary>
    public int MaxPathLength => MaxDepth + 2;

    /// <summary>A stable text for the verified-chain cache key: two requirements that differ never share a verdict.</summary>
    internal string Fingerprint => string.Create(CultureInfo.InvariantCulture, $"depth={MaxDepth};eku={string.Join(',', ExtendedKeyUsages)};profile={Profile};{Identities.Fingerprint}");

    /// <summary>
    /// Reads the configured usages ("serverAuth", "clientAuth" or dotted OIDs), depth and profile
    /// ("webpki" or "strict"); adds a problem for each value that is not one, and returns null if there was any.
    /// </summary>
    public static ChainRequirements? Parse(IReadOnlyList<string> usages, int maxDepth, List<string> problems, string? profile = null)
    {
        var valid = true;
        var parsedProfile = VerificationProfile.WebPki;
        if (profile?.Trim() is { Length: > 0 } named && !named.Equals(WebPkiProfileName, StringComparison.OrdinalIgnoreCase))
        {
            if (named.Equals(StrictProfileName, StringComparison.OrdinalIgnoreCase))
            {
                parsedProfile = VerificationProfile.Strict;
            }
            else
            {
                problems.Add($"Profile is '{profile}'; it must be {WebPkiProfileName} (the default) or {StrictProfileName} (adds OpenSSL's -x509_strict RFC 5280 profile checks)");
                valid = false;
            }
        }

        if (maxDepth is < 0 or > DefaultMaxDepth)
        {
            problems.Add($"MaxDepth is {maxDepth}; it must be between 0 (the trust anchor issues the server's certificate) and {DefaultMaxDepth}");
            valid = false;
        }

        var oids = new List<string>();
        foreach (var usage in usages.Count == 0 ? ["serverAuth"] : usages)
        {
            if (TryParseUsage(usage, out var oid))
            {
                if (!oids.Contains(oid))
                {
                    oids.Add(oid);
                }
            }
            else
            {
                problems.Add($"ExtendedKeyUsages: '{usage}' is neither serverAuth, clientAuth nor a dotted object identifier such as 1.3.6.1.5.5.7.3.8");
                valid = false;
            }
        }

        return valid ? new ChainRequirements(oids, maxDepth, parsedProfile) : null;
    }

    private static bool TryParseUsage(string usage, out string oid)
    {
        oid = usage.Trim();
        if (oid.Equals("serverAuth", StringComparison.OrdinalIgnoreCase))
        {
            oid = ServerAuthOid;
            return true;
        }

        if (oid.Equals("clientAuth", StringComparison.OrdinalIgnoreCase))
        {
            oid = ClientAuthOid;
            return true;
        }

        if (oid.Length == 0 || !oid.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            return false;
        }

        try
        {
            // X.660 arcs (first 0–2, second below 40 under 0 and 1), as DER can encode them.
            new AsnWriter(AsnEncodingRules.DER).WriteObjectIdentifier(oid);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
