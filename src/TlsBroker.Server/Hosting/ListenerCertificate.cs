using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TlsBroker.Server.Configuration;

namespace TlsBroker.Server.Hosting;

/// <summary>
/// The HTTPS listener's certificate, its private key and the intermediates that follow it in the
/// file. Kestrel is configured while the app is built, before start-up validation: a file that does
/// not load leaves HTTPS unconfigured there, and validation (which calls this too) stops the host with the reason.
/// </summary>
internal sealed record ListenerCertificate(X509Certificate2 Certificate, X509Certificate2Collection Intermediates)
{
    public static ListenerCertificate? TryLoad(ListenerTlsOptions tls, out string? problem)
    {
        try
        {
            var certificate = X509Certificate2.CreateFromPemFile(tls.CertificateFile!, string.IsNullOrEmpty(tls.KeyFile) ? null : tls.KeyFile);
            if (!certificate.HasPrivateKey)
            {
                certificate.Dispose();
                problem = "no private key goes with the certificate";
                return null;
            }

            var intermediates = new X509Certificate2Collection();
            intermediates.ImportFromPemFile(tls.CertificateFile!);
            intermediates.RemoveAt(0);
            problem = null;
            return new ListenerCertificate(certificate, intermediates);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            problem = e.Message;
            return null;
        }
    }
}
