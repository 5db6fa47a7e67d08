using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace TlsBroker.Core.Verification;

/// <summary>
/// The name the caller expects the server to prove: a DNS name (sent as SNI, matched against
/// dNSName subjectAltNames) or an IP literal (not sent as SNI, RFC 6066 §3; matched against
/// iPAddress subjectAltNames).
/// </summary>
/// <remarks>
/// Accepted forms: a DNS name in ASCII (an internationalised name must be given in its A-label
/// form, <c>xn--…</c>), case-insensitive, with or without one trailing dot; a dotted-quad IPv4
/// literal; an IPv6 literal with or without URL brackets (<c>::1</c> or <c>[::1]</c>) and without
/// a zone index. A name whose last label is all digits is not a DNS name (RFC 1123 §2.1, as the
/// WHATWG URL parser reads it) and must then be a complete dotted-quad.
/// </remarks>
public sealed record ServerIdentity
{
    /// <summary>RFC 1035 §2.3.4: 255 octets on the wire, so 253 characters of text without the trailing dot.</summary>
    internal const int MaxDnsNameLength = 253;

    /// <summary>RFC 1035 §2.3.4: labels are 63 octets or less.</summary>
    internal const int MaxLabelLength = 63;

    /// <summary>RFC 1123 §2.1 / RFC 952: what a DNS label may hold.</summary>
    private static readonly System.Buffers.SearchValues<char> DnsLabelCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");

    private ServerIdentity(string name, IPAddress? ipAddress)
    {
        Name = name;
        IpAddress = ipAddress;
    }

    /// <summary>The DNS name in lower case without a trailing dot, or the IP literal in canonical form.</summary>
    public string Name { get; }

    public IPAddress? IpAddress { get; }

    public bool IsIpAddress => IpAddress is not null;

    /// <summary>The host_name to send in server_name, or null for an IP literal.</summary>
    public string? SniHostName => IsIpAddress ? null : Name;

    /// <summary>Parses what a caller sent; on failure <paramref name="error"/> says what is wrong with it.</summary>
    public static bool TryParse(string serverName, out ServerIdentity? identity, out string error)
    {
        error = Validate(serverName, out identity) ?? string.Empty;
        return identity is not null;
    }

    private static string? Validate(string? serverName, out ServerIdentity? identity)
    {
        identity = null;
        if (string.IsNullOrEmpty(serverName))
        {
            return "server name is empty";
        }

        if (serverName.Length > MaxDnsNameLength + 2)
        {
            return $"server name is {serverName.Length} characters long; at most {MaxDnsNameLength} are allowed";
        }

        if (serverName.Contains(':', StringComparison.Ordinal) || serverName.StartsWith('['))
        {
            return ParseIpv6(serverName, out identity);
        }

        var name = serverName.EndsWith('.') ? serverName[..^1] : serverName;
        var labels = name.Split('.');
        if (labels[^1].Length > 0 && labels[^1].All(char.IsAsciiDigit))
        {
            return ParseIpv4(serverName, name, labels, out identity);
        }

        var problem = CheckDnsName(name, labels);
        if (problem is not null)
        {
            return $"server name '{Printable(serverName)}' is not a valid DNS name: {problem}";
        }

        identity = new ServerIdentity(name.ToLowerInvariant(), null);
        return null;
    }

    private static string? CheckDnsName(string name, string[] labels)
    {
        if (name.Length > MaxDnsNameLength)
        {
            return $"it is {name.Length} characters long; at most {MaxDnsNameLength} are allowed";
        }

        foreach (var label in labels)
        {
            if (label.Length == 0)
            {
                return "it has an empty label";
            }

            if (label.Length > MaxLabelLength)
            {
                return $"label '{label}' is longer than {MaxLabelLength} characters";
            }

            // RFC 1123 §2.1 / RFC 952: letters, digits and hyphens, no hyphen at either end.
            // An index, not FirstOrDefault: NUL is itself the default char, and must be refused like any other.
            var badAt = label.AsSpan().IndexOfAnyExcept(DnsLabelCharacters);
            if (badAt >= 0)
            {
                var bad = label[badAt];
                return char.IsAscii(bad)
                    ? $"character '{Printable(bad.ToString())}' is not allowed (letters, digits and '-' only)"
                    : "it has non-ASCII characters; give an internationalised name in its A-label (xn--) form";
            }

            if (label.StartsWith('-') || label.EndsWith('-'))
            {
                return $"label '{label}' starts or ends with '-'";
            }
        }

        return null;
    }

    private static string? ParseIpv4(string original, string name, string[] labels, out ServerIdentity? identity)
    {
        identity = null;

        // IPAddress.TryParse also takes "127.1" and "0x7f.1"; only the unambiguous dotted-quad is an IP literal here.
        if (name.Length != original.Length
            || labels.Length != 4
            || labels.Any(l => l.Length is 0 or > 3 || !l.All(char.IsAsciiDigit) || (l.Length > 1 && l[0] == '0'))
            || labels.Any(l => int.Parse(l, CultureInfo.InvariantCulture) > 255))
        {
            return $"server name '{Printable(original)}' ends in a numeric label but is not a dotted-quad IPv4 address";
        }

        var address = IPAddress.Parse(name);
        identity = new ServerIdentity(address.ToString(), address);
        return null;
    }

    private static string? ParseIpv6(string original, out ServerIdentity? identity)
    {
        identity = null;
        var literal = original.StartsWith('[') && original.EndsWith(']') ? original[1..^1] : original;
        if (literal.Contains('%', StringComparison.Ordinal))
        {
            return $"server name '{Printable(original)}' has an IPv6 zone index, which a certificate cannot name";
        }

        if (literal.Contains('[', StringComparison.Ordinal) || literal.Contains(']', StringComparison.Ordinal)
            || !IPAddress.TryParse(literal, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return $"server name '{Printable(original)}' is not a valid IPv6 address (a port does not belong in the server name)";
        }

        identity = new ServerIdentity(address.ToString(), address);
        return null;
    }

    /// <summary>Echoes caller input in errors without control characters.</summary>
    private static string Printable(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) ? '?' : c));
}
