namespace TlsBroker.Core.Verification;

/// <summary>The kinds of identity a server's certificate can be asked to prove, each matched against its own subjectAltName type.</summary>
public enum IdentityKind
{
    /// <summary>A DNS name, against dNSName entries (RFC 6125 §6.4).</summary>
    Dns,

    /// <summary>An IP address, against iPAddress entries (RFC 6125 §6.2.1).</summary>
    IpAddress,

    /// <summary>A URI, against uniformResourceIdentifier entries (RFC 6125 §6.5.2).</summary>
    Uri,

    /// <summary>One SPIFFE ID, against the single URI an X509-SVID carries.</summary>
    SpiffeId,

    /// <summary>Any SPIFFE ID of one trust domain, against the single URI an X509-SVID carries.</summary>
    SpiffeTrustDomain,

    /// <summary>An email address, against rfc822Name entries (as OpenSSL's X509_check_email).</summary>
    Email,
}
