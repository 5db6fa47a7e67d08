namespace TlsBroker.Server.Configuration;

/// <summary>
/// Maps client certificates (already verified against <c>Broker:Tls:ClientCaFile</c>) to a caller
/// (section <c>Broker:Callers:&lt;name&gt;:ClientCertificate</c>). Either way is enough.
/// </summary>
public sealed class CallerCertificateOptions
{
    /// <summary>The leaf's subject distinguished name, e.g. "CN=billing, O=Example"; compared case-insensitively after normalising. Default: none.</summary>
    public string? Subject { get; set; }

    /// <summary>SHA-256 of the leaf's SubjectPublicKeyInfo, base64 (as HPKP's pin-sha256); several for key rotation. Default: none.</summary>
    public List<string> SpkiSha256 { get; set; } = [];

    public bool IsConfigured => !string.IsNullOrEmpty(Subject) || SpkiSha256.Count > 0;
}
