namespace TlsBroker.Core.Verification;

/// <summary>
/// An email address as an rfc822Name subjectAltName holds it (RFC 5280 §4.2.1.6: a Mailbox, RFC 5321 §4.1.2), compared
/// as OpenSSL's X509_check_email compares it (crypto/x509/v3_utl.c equal_email): the local part exactly, the domain
/// without regard to case.
/// </summary>
internal static class EmailName
{
    /// <summary>RFC 5321 §4.5.3.1.1: a local part is at most 64 octets.</summary>
    private const int MaxLocalPartLength = 64;

    /// <summary>The comparable form (local part as given, domain in lower case); null when valid, else what is wrong.</summary>
    public static string? Normalize(string address, out string normalized)
    {
        normalized = string.Empty;
        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1)
        {
            return "it is not local-part@domain";
        }

        var local = address[..at];
        if (local.Length > MaxLocalPartLength)
        {
            return $"its local part is {local.Length} characters long; at most {MaxLocalPartLength} are allowed (RFC 5321 §4.5.3.1.1)";
        }

        // An rfc822Name is an IA5String: ASCII. A quoted local part with spaces or '@' is legal mail but no certificate names it.
        if (local.Any(c => !char.IsAscii(c) || char.IsControl(c) || c is ' ' or '@'))
        {
            return "its local part has a space, '@', control or non-ASCII character";
        }

        if (!ServerIdentity.TryParse(address[(at + 1)..], out var domain, out var error) || domain!.IsIpAddress)
        {
            return $"its domain is not a DNS name: {(domain is null ? error : "an address literal")}";
        }

        normalized = $"{local}@{domain.Name}";
        return null;
    }

    /// <summary>Whether the certificate's rfc822Name <paramref name="presented"/> names <paramref name="expected"/> (normalised).</summary>
    public static bool Matches(string presented, string expected)
    {
        var at = presented.LastIndexOf('@');
        var expectedAt = expected.LastIndexOf('@');
        return at > 0
            && presented.AsSpan(0, at).SequenceEqual(expected.AsSpan(0, expectedAt))
            && presented.AsSpan(at + 1).Equals(expected.AsSpan(expectedAt + 1), StringComparison.OrdinalIgnoreCase);
    }
}
