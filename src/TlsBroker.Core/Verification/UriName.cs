using System.Text;

namespace TlsBroker.Core.Verification;

/// <summary>
/// A URI as a uniformResourceIdentifier subjectAltName holds it, compared as RFC 6125 §6.5.2 and RFC 3986 §6.2.2 allow:
/// the scheme and the host are case-insensitive (lowered here), percent-encodings compare with upper-case hex digits,
/// and everything else must be equal character for character. No other normalisation (dot segments, default ports,
/// decoding) is applied: a reference identity is meant to be copied from the certificate, not inferred.
/// </summary>
internal static class UriName
{
    /// <summary>RFC 3986 §2.2 reserved and §2.3 unreserved characters; '%' is checked with its two hex digits.</summary>
    private static readonly System.Buffers.SearchValues<char> UriCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/?#[]@!$&'()*+,;=%");

    /// <summary>RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).</summary>
    private static readonly System.Buffers.SearchValues<char> SchemeCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");

    /// <summary>The comparable form of <paramref name="uri"/>; null when valid, else what is wrong with it.</summary>
    public static string? Normalize(string uri, out string normalized)
    {
        normalized = string.Empty;
        var colon = uri.IndexOf(':', StringComparison.Ordinal);

        // RFC 5280 §4.2.1.6: "The name MUST NOT be a relative URI ... The name MUST include both a scheme ... and a scheme-specific-part."
        if (colon <= 0 || !char.IsAsciiLetter(uri[0]) || uri.AsSpan(0, colon).IndexOfAnyExcept(SchemeCharacters) >= 0)
        {
            return "it has no scheme (RFC 5280 §4.2.1.6: a URI name is never relative)";
        }

        if (colon == uri.Length - 1)
        {
            return "it has nothing after its scheme (RFC 5280 §4.2.1.6)";
        }

        var bad = uri.AsSpan().IndexOfAnyExcept(UriCharacters);
        if (bad >= 0)
        {
            return char.IsAscii(uri[bad]) && !char.IsControl(uri[bad])
                ? $"character '{uri[bad]}' is not allowed in a URI (RFC 3986 §2; percent-encode it)"
                : "it has a control or non-ASCII character (RFC 3986 §2; percent-encode it)";
        }

        var text = new StringBuilder(uri.Length);
        text.Append(uri.AsSpan(0, colon).ToString().ToLowerInvariant()).Append(':');
        var rest = uri[(colon + 1)..];
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            var authorityEnd = rest.AsSpan(2).IndexOfAny("/?#");
            var authority = authorityEnd < 0 ? rest[2..] : rest.Substring(2, authorityEnd);
            var problem = NormalizeAuthority(authority, out var normalizedAuthority);
            if (problem is not null)
            {
                return problem;
            }

            text.Append("//").Append(normalizedAuthority);
            rest = rest[(2 + authority.Length)..];
        }

        for (var i = 0; i < rest.Length; i++)
        {
            if (rest[i] != '%')
            {
                text.Append(rest[i]);
            }
            else if (i + 2 < rest.Length && char.IsAsciiHexDigit(rest[i + 1]) && char.IsAsciiHexDigit(rest[i + 2]))
            {
                text.Append('%').Append(char.ToUpperInvariant(rest[i + 1])).Append(char.ToUpperInvariant(rest[i + 2]));
                i += 2;
            }
            else
            {
                return "it has a '%' not followed by two hex digits (RFC 3986 §2.1)";
            }
        }

        normalized = text.ToString();
        return null;
    }

    /// <summary>RFC 3986 §3.2: [ userinfo "@" ] host [ ":" port ]; only the host is case-insensitive (§6.2.2.1).</summary>
    private static string? NormalizeAuthority(string authority, out string normalized)
    {
        normalized = string.Empty;
        var at = authority.LastIndexOf('@');
        var userinfo = at < 0 ? string.Empty : authority[..(at + 1)];
        var hostAndPort = authority[(at + 1)..];
        var hostEnd = hostAndPort.StartsWith('[') ? hostAndPort.IndexOf(']', StringComparison.Ordinal) + 1 : hostAndPort.IndexOf(':', StringComparison.Ordinal);
        if (hostEnd < 0)
        {
            hostEnd = hostAndPort.Length;
        }

        var host = hostAndPort[..hostEnd];
        var port = hostAndPort[hostEnd..];

        // RFC 5280 §4.2.1.6: "URIs that include an authority ... MUST include a fully qualified domain name or IP address as the host."
        if (host.Length == 0 || host.Contains('%', StringComparison.Ordinal))
        {
            return "its authority has no host name or IP address (RFC 5280 §4.2.1.6)";
        }

        if (port.Length > 0 && (port[0] != ':' || !port.AsSpan(1).ContainsOnlyAsciiDigits()))
        {
            return "its port is not a number (RFC 3986 §3.2.3)";
        }

        normalized = userinfo + host.ToLowerInvariant() + port;
        return null;
    }

    private static bool ContainsOnlyAsciiDigits(this ReadOnlySpan<char> text) => text.IndexOfAnyExceptInRange('0', '9') < 0;
}
