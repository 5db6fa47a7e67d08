namespace TlsBroker.Core.Verification;

/// <summary>
/// The identities a policy expects of every server it verifies, as service meshes name their peers: any one of
/// <see cref="AnyOf"/> (SPIFFE IDs, SPIFFE trust domains, URIs, DNS names, IP addresses, email addresses) must be
/// proven, and the caller's server name too unless <see cref="CheckServerName"/> is false.
/// </summary>
/// <param name="AnyOf">Alternatives, in configuration order; empty when the policy expects nothing beyond the server name.</param>
/// <param name="CheckServerName">Whether the server name of the Start (or Verify request) must also be proven.</param>
public sealed record PolicyIdentities(IReadOnlyList<ExpectedIdentity> AnyOf, bool CheckServerName)
{
    /// <summary>A policy's limit on ExpectedIdentities, so that one handshake's identity check stays cheap.</summary>
    public const int MaxEntries = 100;

    /// <summary>The default: the server name alone.</summary>
    public static PolicyIdentities ServerNameOnly { get; } = new([], true);

    /// <summary>A stable text for the verified-chain cache key; values never contain a space.</summary>
    internal string Fingerprint => $"server-name={(CheckServerName ? "checked" : "unchecked")};any-of={string.Join(' ', AnyOf)}";

    /// <summary>Reads the configured entries and trust domain; adds every problem, and returns null if there was any.</summary>
    public static PolicyIdentities? Parse(IReadOnlyList<string> entries, string? trustDomain, bool checkServerName, List<string> problems)
    {
        var valid = true;
        var identities = new List<ExpectedIdentity>();
        if (entries.Count > MaxEntries)
        {
            problems.Add($"ExpectedIdentities has {entries.Count} entries; at most {MaxEntries} are allowed");
            valid = false;
        }

        foreach (var entry in entries)
        {
            if (ExpectedIdentity.TryParseConfigured(entry, out var identity, out var error))
            {
                if (!identities.Contains(identity!))
                {
                    identities.Add(identity!);
                }
            }
            else
            {
                problems.Add($"ExpectedIdentities: {error}");
                valid = false;
            }
        }

        if (!string.IsNullOrEmpty(trustDomain))
        {
            if (ExpectedIdentity.TryParse(IdentityKind.SpiffeTrustDomain, trustDomain, out var domain, out var error))
            {
                identities.Add(domain!);
            }
            else
            {
                problems.Add($"SpiffeTrustDomain: {error} (write the trust domain alone, e.g. prod.example.org, not a spiffe:// URI)");
                valid = false;
            }
        }

        if (!checkServerName && valid && identities.Count == 0)
        {
            problems.Add("CheckServerName is false but neither ExpectedIdentities nor SpiffeTrustDomain is set: nothing would prove the server's identity");
            valid = false;
        }

        return valid ? new PolicyIdentities(identities, checkServerName) : null;
    }
}
