namespace TlsBroker.Core.Policy;

/// <summary>
/// Revocation checking for one policy (<c>Broker:Policies:{name}:Revocation</c>): OCSP responses stapled by the
/// server (RFC 6066 §8, RFC 8446 §4.4.2.1) and CRLs from files (RFC 5280 §5).
/// </summary>
public sealed class RevocationOptions
{
    /// <summary>"off" (default), "soft-fail" or "hard-fail".</summary>
    public string Mode { get; set; } = "off";

    /// <summary>
    /// Send status_request (TLS 1.2 and 1.3) and check the stapled OCSP response for the server's certificate.
    /// Default true; used only when <see cref="Mode"/> is not "off".
    /// </summary>
    public bool OcspStapling { get; set; } = true;

    /// <summary>CRL files, PEM or DER. Default: none. With any CRL, every certificate below the trust anchor is checked against them.</summary>
    public List<string> CrlFiles { get; set; } = [];

    /// <summary>A folder whose *.pem, *.crl and *.der files are CRLs, PEM or DER. Default: none.</summary>
    public string? CrlFolder { get; set; }
}
