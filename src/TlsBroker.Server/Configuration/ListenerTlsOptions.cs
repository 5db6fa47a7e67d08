namespace TlsBroker.Server.Configuration;

/// <summary>
/// HTTPS on the broker's gRPC listener (section <c>Broker:Tls</c>): TLS 1.2 or 1.3, HTTP/2 by
/// ALPN. Off (h2c) unless <see cref="CertificateFile"/> is set; h2c is allowed on loopback only.
/// </summary>
public sealed class ListenerTlsOptions
{
    /// <summary>PEM file with the broker's certificate (then any intermediates). Default: none (h2c).</summary>
    public string? CertificateFile { get; set; }

    /// <summary>PEM file with the certificate's private key (PKCS#8, SEC1 or PKCS#1, unencrypted). Default: the key is in <see cref="CertificateFile"/>.</summary>
    public string? KeyFile { get; set; }

    /// <summary>
    /// PEM file with the CA certificate(s) that client certificates must chain to (the system store is
    /// not used). When set, the listener asks for a client certificate; a caller may then be mapped by
    /// <see cref="CallerCertificateOptions"/>. Default: none (no client certificates).
    /// </summary>
    public string? ClientCaFile { get; set; }

    public bool IsEnabled => !string.IsNullOrEmpty(CertificateFile);
}
