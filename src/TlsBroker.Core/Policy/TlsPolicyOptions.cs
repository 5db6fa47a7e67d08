namespace TlsBroker.Core.Policy;

/// <summary>
/// One named policy as written in configuration (<c>Broker:Policies:{name}</c>). Empty lists mean
/// the strict defaults; <see cref="TlsPolicy"/> is the validated, immutable form the engine uses.
/// </summary>
public sealed class TlsPolicyOptions
{
    /// <summary>Lowest protocol version offered: "1.2" (default) or "1.3".</summary>
    public string MinVersion { get; set; } = "1.2";

    /// <summary>Highest protocol version offered: "1.3" (default) or "1.2".</summary>
    public string MaxVersion { get; set; } = "1.3";

    /// <summary>IANA cipher suite names, in preference order. Default: ECDHE with AEAD only.</summary>
    public List<string> CipherSuites { get; set; } = [];

    /// <summary>Key-exchange groups, IANA names. Default: x25519, secp256r1, secp384r1.</summary>
    public List<string> Groups { get; set; } = [];

    /// <summary>Signature schemes, IANA names (RFC 8446 §4.2.3). Default: ECDSA, RSA-PSS, RSA PKCS#1 with SHA-256 or better, Ed25519.</summary>
    public List<string> SignatureSchemes { get; set; } = [];

    /// <summary>Trust anchors: "system" (default, the operating system's CA store) or a path to a PEM file or a folder of PEM files.</summary>
    public string TrustAnchors { get; set; } = "system";

    /// <summary>Server names callers may connect to under this policy: exact names, IP literals, or "*.example.com". Empty allows any.</summary>
    public List<string> AllowedServerNames { get; set; } = [];

    /// <summary>
    /// Pinned server keys: RFC 7469 pin-sha256 values (base64 of the SHA-256 digest of a SubjectPublicKeyInfo).
    /// A handshake succeeds only when a certificate of the verified path, trust anchor included, has one of them. Default: none (no pinning).
    /// </summary>
    public List<string> Pins { get; set; } = [];

    /// <summary>
    /// Extended key usages the server's certificate must allow, any one of them: "serverAuth" (default), "clientAuth",
    /// or dotted OIDs. An extendedKeyUsage on any certificate of the path must list one; a certificate without one is not restricted.
    /// </summary>
    public List<string> ExtendedKeyUsages { get; set; } = [];

    /// <summary>Most intermediates between the server's certificate and the trust anchor: 0–100, default 100 (OpenSSL's verify depth).</summary>
    public int MaxDepth { get; set; } = Verification.ChainRequirements.DefaultMaxDepth;

    /// <summary>
    /// For tests only: verify server chains at this fixed time (ISO-8601 with an offset, e.g. 2026-01-01T00:00:00Z)
    /// instead of the clock's, as openssl verify -attime. The broker refuses it unless Broker:AllowValidationTimeOverride
    /// is true. Default: none (the clock).
    /// </summary>
    public string? ValidationTime { get; set; }

    /// <summary>
    /// Certificate-profile rules: "webpki" (default) or "strict", which adds the RFC 5280 profile checks OpenSSL 3
    /// makes under <c>openssl verify -x509_strict</c> (verify results 78, 80–89, 92 and 93, OpenSSL's numbers) and keeps
    /// OpenSSL's refusal of an issuer whose key identifier differs from the authorityKeyIdentifier. Part of the verified-chain cache key.
    /// </summary>
    public string Profile { get; set; } = Verification.ChainRequirements.WebPkiProfileName;

    /// <summary>
    /// Identities the server's certificate may prove, any one of them, as service meshes name their peers: SPIFFE IDs
    /// (<c>spiffe://trust-domain/path</c>) or OpenSSL's subjectAltName notation <c>URI:</c>, <c>DNS:</c>, <c>IP:</c>,
    /// <c>email:</c>. At most 100. Default: none (the server name alone decides).
    /// </summary>
    public List<string> ExpectedIdentities { get; set; } = [];

    /// <summary>A SPIFFE trust domain (e.g. <c>prod.example.org</c>): any SPIFFE ID in it is one more alternative to <see cref="ExpectedIdentities"/>. Default: none.</summary>
    public string? SpiffeTrustDomain { get; set; }

    /// <summary>
    /// Whether the Start's server name must be proven too (default true). False: only <see cref="ExpectedIdentities"/> or
    /// <see cref="SpiffeTrustDomain"/> decide, and the server name is only the SNI sent; one of them must then be set.
    /// </summary>
    public bool CheckServerName { get; set; } = true;

    /// <summary>The client certificate and key presented when a server asks for one. Default: none (an empty Certificate is sent).</summary>
    public ClientIdentityOptions? ClientIdentity { get; set; }

    /// <summary>Key export to the caller after the handshake. Default: off.</summary>
    public KeyExportOptions KeyExport { get; set; } = new();

    /// <summary>Reuse of successful chain verifications by this policy's sessions.</summary>
    public VerifiedChainCacheOptions VerifiedChainCache { get; set; } = new();

    /// <summary>Revocation checking: OCSP stapling and CRLs. Default: off.</summary>
    public RevocationOptions? Revocation { get; set; }

    /// <summary>
    /// The files and folders this policy reads (trust anchors, CRLs, the client identity's files), as configured: the broker
    /// watches them and rebuilds the policy when one changes. Every option naming a file adds it here.
    /// </summary>
    public IEnumerable<string> ReferencedFiles()
    {
        if (!string.IsNullOrWhiteSpace(TrustAnchors) && TrustAnchors != Verification.TrustAnchors.SystemSpec)
        {
            yield return TrustAnchors;
        }

        if (Revocation is { } revocation)
        {
            foreach (var file in revocation.CrlFiles.Where(file => !string.IsNullOrWhiteSpace(file)))
            {
                yield return file;
            }

            if (!string.IsNullOrWhiteSpace(revocation.CrlFolder))
            {
                yield return revocation.CrlFolder;
            }
        }

        if (ClientIdentity is not { } identity)
        {
            yield break;
        }

        string?[] identityFiles = [identity.CertificateFile, identity.KeyFile, identity.Pkcs12File, identity.PasswordFile];
        foreach (var file in identityFiles)
        {
            if (!string.IsNullOrWhiteSpace(file))
            {
                yield return file;
            }
        }
    }
}
