namespace TlsBroker.Core.Verification;

/// <summary>
/// The syntax of a SPIFFE ID, <c>spiffe://trust-domain/path</c>, as the SPIFFE-ID standard defines it (and go-spiffe's
/// spiffeid package enforces it): the scheme exactly <c>spiffe</c>, a trust domain of lowercase letters, digits, '.', '-'
/// and '_', no userinfo, port, query or fragment, and path segments of letters, digits, '.', '-' and '_' that are
/// neither empty nor '.' or '..'.
/// </summary>
internal static class SpiffeId
{
    public const string Prefix = "spiffe://";

    /// <summary>SPIFFE-ID §2.3: "SPIFFE implementations MUST support SPIFFE URIs up to 2048 bytes"; longer ones are refused.</summary>
    public const int MaxLength = 2048;

    /// <summary>SPIFFE-ID §2.3: the trust domain is a URI host, 255 characters at most (RFC 3986).</summary>
    public const int MaxTrustDomainLength = 255;

    private static readonly System.Buffers.SearchValues<char> TrustDomainCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789.-_");

    private static readonly System.Buffers.SearchValues<char> SegmentCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_");

    /// <summary>Splits a SPIFFE ID into trust domain and path (empty, or starting with '/'); null when valid, else what is wrong.</summary>
    public static string? Check(string id, out string trustDomain, out string path)
    {
        trustDomain = string.Empty;
        path = string.Empty;
        if (id.Length > MaxLength)
        {
            return $"it is {id.Length} characters long; a SPIFFE ID has at most {MaxLength}";
        }

        // SPIFFE-ID §2: "Valid SPIFFE IDs MUST use the spiffe scheme"; go-spiffe compares the prefix exactly.
        if (!id.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return $"it does not start with '{Prefix}'";
        }

        var rest = id[Prefix.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        trustDomain = slash < 0 ? rest : rest[..slash];
        path = slash < 0 ? string.Empty : rest[slash..];
        return CheckTrustDomain(trustDomain) ?? CheckPath(path);
    }

    /// <summary>SPIFFE-ID §2.1: the URI host, without userinfo or port; null when valid, else what is wrong.</summary>
    public static string? CheckTrustDomain(string trustDomain)
    {
        if (trustDomain.Length == 0)
        {
            return "the trust domain is empty";
        }

        if (trustDomain.Length > MaxTrustDomainLength)
        {
            return $"the trust domain is {trustDomain.Length} characters long; at most {MaxTrustDomainLength} are allowed";
        }

        var bad = trustDomain.AsSpan().IndexOfAnyExcept(TrustDomainCharacters);
        return bad < 0
            ? null
            : trustDomain[bad] switch
            {
                ':' => "a SPIFFE ID has no port (SPIFFE-ID §2.1)",
                '@' => "a SPIFFE ID has no userinfo (SPIFFE-ID §2.1)",
                '?' => "a SPIFFE ID has no query (SPIFFE-ID §2)",
                '#' => "a SPIFFE ID has no fragment (SPIFFE-ID §2)",
                >= 'A' and <= 'Z' => "the trust domain must be lower case",
                _ => "the trust domain may hold only lowercase letters, digits, '.', '-' and '_'",
            };
    }

    private static string? CheckPath(string path)
    {
        if (path.Length == 0)
        {
            return null;
        }

        foreach (var segment in path[1..].Split('/'))
        {
            if (segment.Length == 0)
            {
                return "the path has an empty segment (or ends with '/')";
            }

            if (segment is "." or "..")
            {
                return "the path has a '.' or '..' segment";
            }

            var bad = segment.AsSpan().IndexOfAnyExcept(SegmentCharacters);
            if (bad >= 0)
            {
                return segment[bad] switch
                {
                    '?' => "a SPIFFE ID has no query (SPIFFE-ID §2)",
                    '#' => "a SPIFFE ID has no fragment (SPIFFE-ID §2)",
                    _ => "path segments may hold only letters, digits, '.', '-' and '_'",
                };
            }
        }

        return null;
    }
}
