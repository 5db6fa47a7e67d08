using TlsBroker.Core.Results;

namespace TlsBroker.Core.Verification;

/// <summary>
/// One identity the server's certificate must prove, in its comparable form: a DNS name (lower case), an IP address
/// (canonical), a URI (scheme and host lower case), a SPIFFE ID, a SPIFFE trust domain, or an email address (domain
/// lower case). Its <see cref="ToString"/> is the OpenSSL subjectAltName notation (x509v3_config(5)) it is configured in.
/// </summary>
public sealed record ExpectedIdentity
{
    private ExpectedIdentity(IdentityKind kind, string value)
    {
        Kind = kind;
        Value = value;
    }

    public IdentityKind Kind { get; }

    public string Value { get; }

    /// <summary>
    /// The subjectAltName type this identity is matched against: SPIFFE IDs and trust domains are URIs. Identities of
    /// one type are alternatives; those of different types must all be proven, as OpenSSL's check_id checks hosts,
    /// email and IP each when set.
    /// </summary>
    internal IdentityKind NameType => Kind is IdentityKind.SpiffeId or IdentityKind.SpiffeTrustDomain ? IdentityKind.Uri : Kind;

    /// <summary>
    /// OpenSSL's code for a mismatch where OpenSSL checks the type (check_id: 62 hosts, 63 email, 64 IP). OpenSSL has no
    /// URI check; a URI or SPIFFE ID that does not match is reported as 62 X509_V_ERR_HOSTNAME_MISMATCH because it is the
    /// same failure, a valid certificate for another peer, and keeps its alert (bad_certificate, ssl_x509err2alert);
    /// X509_V_ERR_APPLICATION_VERIFICATION would claim an application callback and send handshake_failure.
    /// </summary>
    internal X509VerifyCode MismatchCode => NameType switch
    {
        IdentityKind.Email => X509VerifyCode.EmailMismatch,
        IdentityKind.IpAddress => X509VerifyCode.IpAddressMismatch,
        _ => X509VerifyCode.HostnameMismatch,
    };

    public override string ToString() => Kind switch
    {
        IdentityKind.Dns => $"DNS:{Value}",
        IdentityKind.IpAddress => $"IP:{Value}",
        IdentityKind.Email => $"email:{Value}",
        IdentityKind.SpiffeTrustDomain => $"SPIFFE trust domain:{Value}",
        _ => $"URI:{Value}",
    };

    /// <summary>The identity a server name (DNS name or IP literal) stands for.</summary>
    public static ExpectedIdentity For(ServerIdentity server) =>
        new(server.IsIpAddress ? IdentityKind.IpAddress : IdentityKind.Dns, server.Name);

    /// <summary>
    /// Parses <paramref name="text"/> as an identity of <paramref name="kind"/>. A URI whose scheme is <c>spiffe</c> is a
    /// SPIFFE ID and held to the SPIFFE rules, so that a SPIFFE ID cannot be matched more loosely by calling it a URI.
    /// </summary>
    public static bool TryParse(IdentityKind kind, string text, out ExpectedIdentity? identity, out string error)
    {
        identity = null;
        error = Parse(kind, text ?? string.Empty, out identity) ?? string.Empty;
        return identity is not null;
    }

    /// <summary>
    /// Parses a configured entry: a SPIFFE ID as it is (<c>spiffe://trust-domain/path</c>), or OpenSSL's subjectAltName
    /// notation <c>DNS:</c>, <c>IP:</c>, <c>URI:</c> or <c>email:</c> followed by the value (type names case-insensitive).
    /// </summary>
    public static bool TryParseConfigured(string entry, out ExpectedIdentity? identity, out string error)
    {
        identity = null;
        entry ??= string.Empty;
        if (entry.StartsWith(SpiffeId.Prefix, StringComparison.Ordinal))
        {
            return TryParse(IdentityKind.SpiffeId, entry, out identity, out error);
        }

        var colon = entry.IndexOf(':', StringComparison.Ordinal);
        IdentityKind? kind = colon < 0 ? null : entry[..colon].ToUpperInvariant() switch
        {
            "DNS" => IdentityKind.Dns,
            "IP" => IdentityKind.IpAddress,
            "URI" => IdentityKind.Uri,
            "EMAIL" => IdentityKind.Email,
            _ => null,
        };
        if (kind is null)
        {
            error = $"'{Printable(entry)}' is neither a SPIFFE ID (spiffe://trust-domain/path) nor DNS:, IP:, URI: or email: followed by a value";
            return false;
        }

        return TryParse(kind.Value, entry[(colon + 1)..], out identity, out error);
    }

    private static string? Parse(IdentityKind kind, string text, out ExpectedIdentity? identity)
    {
        identity = null;
        string? problem;
        string value;
        switch (kind)
        {
            case IdentityKind.Dns or IdentityKind.IpAddress:
                if (!ServerIdentity.TryParse(text, out var server, out var error))
                {
                    return error;
                }

                if (server!.IsIpAddress != (kind == IdentityKind.IpAddress))
                {
                    return kind == IdentityKind.Dns ? $"'{Printable(text)}' is an IP address, not a DNS name" : $"'{Printable(text)}' is not an IP address";
                }

                (problem, value) = (null, server.Name);
                break;
            case IdentityKind.Uri when text.StartsWith("spiffe:", StringComparison.OrdinalIgnoreCase):
                return Parse(IdentityKind.SpiffeId, text, out identity);
            case IdentityKind.Uri:
                problem = UriName.Normalize(text, out value);
                break;
            case IdentityKind.SpiffeId:
                (problem, value) = (SpiffeId.Check(text, out _, out _), text);
                break;
            case IdentityKind.SpiffeTrustDomain:
                (problem, value) = (SpiffeId.CheckTrustDomain(text), text);
                break;
            case IdentityKind.Email:
                problem = EmailName.Normalize(text, out value);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown identity kind");
        }

        if (problem is not null)
        {
            return $"'{Printable(text)}' is not a valid {Describe(kind)}: {problem}";
        }

        identity = new ExpectedIdentity(kind, value);
        return null;
    }

    internal static string Describe(IdentityKind kind) => kind switch
    {
        IdentityKind.Dns => "DNS name",
        IdentityKind.IpAddress => "IP address",
        IdentityKind.Uri => "URI",
        IdentityKind.SpiffeId => "SPIFFE ID",
        IdentityKind.SpiffeTrustDomain => "SPIFFE trust domain",
        _ => "email address",
    };

    /// <summary>Echoes input in errors without control characters, and at most 64 characters of it.</summary>
    private static string Printable(string text)
    {
        var shown = string.Concat(text.Take(64).Select(c => char.IsControl(c) ? '?' : c));
        return text.Length > 64 ? shown + "..." : shown;
    }
}
