using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TlsBroker.Cli.Verify;

/// <summary>Reads the certificates of a file given on the command line: PEM, any number, or one DER certificate.</summary>
internal static class CertificateFile
{
    /// <returns>The certificates' DER in file order; <paramref name="error"/> (a usage error) when there is none or the file cannot be read.</returns>
    public static List<byte[]>? Read(string option, string path, out string? error)
    {
        error = null;
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"tlsbroker: cannot read {option} {path}: {e.Message}";
            return null;
        }

        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(System.Text.Encoding.UTF8.GetString(content));
            if (certificates.Count == 0)
            {
                certificates.Add(X509CertificateLoader.LoadCertificate(content));
            }
        }
        catch (CryptographicException e)
        {
            error = $"tlsbroker: {option} {path} holds no PEM certificate and is not one DER certificate: {e.Message}";
            return null;
        }

        try
        {
            return certificates.Select(certificate => certificate.RawData).ToList();
        }
        finally
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }
        }
    }
}
