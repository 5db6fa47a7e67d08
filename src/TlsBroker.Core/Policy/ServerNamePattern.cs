using System.Net;
using TlsBroker.Core.Verification;

namespace TlsBroker.Core.Policy;

/// <summary>
/// One entry of a policy's AllowedServerNames: an exact DNS name, an IP literal, or "*.example.com"
/// (exactly one label in place of the star, as a certificate wildcard matches, RFC 6125 §6.4.3).
/// </summary>
internal sealed class ServerNamePattern
{
    private readonly string? exactName;
    private readonly IPAddress? ipAddress;
    private readonly string? wildcardSuffix;

    private ServerNamePattern(string? exactName, IPAddress? ipAddress, string? wildcardSuffix)
    {
        this.exactName = exactName;
        this.ipAddress = ipAddress;
        this.wildcardSuffix = wildcardSuffix;
    }

    public static bool TryParse(string pattern, out ServerNamePattern? parsed, out string error)
    {
        parsed = null;
        error = string.Empty;
        var text = pattern.Trim().TrimEnd('.').ToLowerInvariant();
        if (IPAddress.TryParse(text, out var address) && (text.Contains(':', StringComparison.Ordinal) || text.Count(c => c == '.') == 3))
        {
            parsed = new ServerNamePattern(null, address, null);
            return true;
        }

        var wildcard = text.StartsWith("*.", StringComparison.Ordinal);
        var name = wildcard ? text[2..] : text;
        if (name.Length == 0 || name.Contains('*', StringComparison.Ordinal) || !name.Split('.').All(IsLabel))
        {
            error = $"AllowedServerNames entry '{pattern}' is not a DNS name, an IP literal or '*.' followed by a DNS name";
            return false;
        }

        if (wildcard && !name.Contains('.', StringComparison.Ordinal))
        {
            error = $"AllowedServerNames entry '{pattern}' is a wildcard over a top-level domain";
            return false;
        }

        parsed = wildcard ? new ServerNamePattern(null, null, "." + name) : new ServerNamePattern(name, null, null);
        return true;
    }

    public bool Matches(ServerIdentity identity)
    {
        if (ipAddress is not null)
        {
            return identity.IpAddress is { } candidate && candidate.Equals(ipAddress);
        }

        if (identity.IsIpAddress)
        {
            return false;
        }

        if (exactName is not null)
        {
            return string.Equals(identity.Name, exactName, StringComparison.OrdinalIgnoreCase);
        }

        var suffix = wildcardSuffix!;
        var name = identity.Name;
        return name.Length > suffix.Length
            && name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
            && !name.AsSpan(0, name.Length - suffix.Length).Contains('.');
    }

    private static bool IsLabel(string label) =>
        label.Length is > 0 and <= 63
        && label[0] != '-' && label[^1] != '-'
        && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_');
}
