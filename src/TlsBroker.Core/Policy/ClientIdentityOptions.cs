namespace TlsBroker.Core.Policy;

/// <summary>
/// The client certificate and private key a policy presents when a server asks for one
/// (<c>Broker:Policies:{name}:ClientIdentity</c>): either <see cref="CertificateFile"/> with
/// <see cref="KeyFile"/>, or <see cref="Pkcs12File"/>. A password, when the key or the PKCS#12 file
/// needs one, comes from a file or an environment variable, never from the configuration text.
/// </summary>
public sealed class ClientIdentityOptions
{
    /// <summary>PEM file: the client certificate first, then any intermediates to send after it. Default: none.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>
    /// PEM file with the certificate's private key: PKCS#8 ("PRIVATE KEY", or "ENCRYPTED PRIVATE KEY" with a password),
    /// SEC1 ("EC PRIVATE KEY") or PKCS#1 ("RSA PRIVATE KEY"). ECDSA P-256/P-384, RSA of 2048 bits or more, Ed25519. Default: none.
    /// </summary>
    public string? KeyFile { get; set; }

    /// <summary>PKCS#12 (.p12/.pfx) file holding the key, its certificate and intermediates; instead of the two PEM files. Default: none.</summary>
    public string? Pkcs12File { get; set; }

    /// <summary>A file whose content (one trailing line break ignored) is the password. Default: none.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>The name of an environment variable holding the password. Default: none.</summary>
    public string? PasswordEnvironmentVariable { get; set; }
}
