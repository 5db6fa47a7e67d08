using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TlsBroker.Testing.Pki;

/// <summary>A generated throwaway certificate with its private key. Never a real key.</summary>
public sealed class TestCertificate(X509Certificate2 certificate, AsymmetricAlgorithm privateKey) : IDisposable
{
    public X509Certificate2 Certificate { get; } = certificate;

    public AsymmetricAlgorithm PrivateKey { get; } = privateKey;

    public byte[] Der => Certificate.RawData;

    public string CertificatePem => Certificate.ExportCertificatePem();

    public string PrivateKeyPem => PrivateKey switch
    {
        ECDsa ec => ec.ExportPkcs8PrivateKeyPem(),
        RSA rsa => rsa.ExportPkcs8PrivateKeyPem(),
        _ => throw new InvalidOperationException($"unsupported key {PrivateKey.GetType().Name}"),
    };

    public void Dispose()
    {
        Certificate.Dispose();
        PrivateKey.Dispose();
    }
}
