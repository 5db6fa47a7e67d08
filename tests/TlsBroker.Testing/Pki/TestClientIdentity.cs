using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TlsBroker.Testing.Pki;

/// <summary>
/// A generated client certificate and its key, written as files a policy's ClientIdentity can name, plus
/// every form of the key a leak check searches for. Never a real key.
/// </summary>
public sealed class TestClientIdentity
{
    internal TestClientIdentity(string folder, string name, byte[] certificateDer, byte[] pkcs8Der, byte[] privateScalar, AsymmetricAlgorithm? key)
    {
        Folder = folder;
        Name = name;
        CertificateDer = certificateDer;
        Pkcs8Der = pkcs8Der;
        PrivateScalar = privateScalar;
        Key = key;
        CertificatePath = Write($"{name}.crt.pem", PemEncoding.WriteString("CERTIFICATE", certificateDer));
        KeyPath = Write($"{name}.key.pem", PemEncoding.WriteString("PRIVATE KEY", pkcs8Der));
    }

    public string Folder { get; }

    /// <summary>The certificate's common name, also the stem of its file names.</summary>
    public string Name { get; }

    public byte[] CertificateDer { get; }

    /// <summary>The key as PKCS#8 DER.</summary>
    public byte[] Pkcs8Der { get; }

    /// <summary>The raw private value: the EC scalar d, RSA's private exponent d, or the Ed25519 seed.</summary>
    public byte[] PrivateScalar { get; }

    /// <summary>PEM file with the certificate alone.</summary>
    public string CertificatePath { get; }

    /// <summary>PEM file with the key as unencrypted PKCS#8, mode 600.</summary>
    public string KeyPath { get; }

    /// <summary>The .NET key, or null for Ed25519 (made with the openssl command).</summary>
    public AsymmetricAlgorithm? Key { get; }

    /// <summary>The certificate's subject, as .NET spells it.</summary>
    public string SubjectName
    {
        get
        {
            using var certificate = X509CertificateLoader.LoadCertificate(CertificateDer);
            return certificate.Subject;
        }
    }

    /// <summary>
    /// Text forms of the key that must never appear in a log or a response: the PEM lines that carry the private
    /// value (the others carry the public key, which the certificate holds too), the whole DER in base64, and the
    /// raw private value in hex and base64.
    /// </summary>
    public IReadOnlyList<string> SecretForms()
    {
        const int BytesPerPemLine = 48;
        var start = Pkcs8Der.AsSpan().IndexOf(PrivateScalar);
        if (start < 0)
        {
            throw new InvalidOperationException("the private value is not in the PKCS#8 encoding");
        }

        var pemLines = PemEncoding.WriteString("PRIVATE KEY", Pkcs8Der).Split('\n')
            .Where(line => !line.StartsWith("-----", StringComparison.Ordinal) && line.Length > 0)
            .Where((_, index) => index * BytesPerPemLine < start + PrivateScalar.Length && (index + 1) * BytesPerPemLine > start);
        return
        [
            .. pemLines,
            Convert.ToBase64String(Pkcs8Der),
            Convert.ToHexString(PrivateScalar),
            Convert.ToHexStringLower(PrivateScalar),
            Convert.ToBase64String(PrivateScalar),
        ];
    }

    /// <summary>Writes the key in <paramref name="format"/> (encrypted with <paramref name="password"/> for EncryptedPkcs8), mode 600.</summary>
    public string WriteKey(ClientKeyFormat format, string? password = null)
    {
        var pem = (format, Key) switch
        {
            (ClientKeyFormat.Pkcs8, _) => PemEncoding.WriteString("PRIVATE KEY", Pkcs8Der),
            (ClientKeyFormat.EncryptedPkcs8, { } key) => key.ExportEncryptedPkcs8PrivateKeyPem(
                password ?? throw new ArgumentNullException(nameof(password)), new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000)),
            (ClientKeyFormat.Sec1, ECDsa ec) => ec.ExportECPrivateKeyPem(),
            (ClientKeyFormat.Pkcs1, RSA rsa) => rsa.ExportRSAPrivateKeyPem(),
            _ => throw new ArgumentException($"{format} does not fit this key", nameof(format)),
        };
        return Write($"{Name}.{format}.key.pem", pem);
    }

    /// <summary>Writes a PKCS#12 file (PBES2, AES-256, SHA-256) with the key, the certificate and <paramref name="extraCertificates"/>, mode 600.</summary>
    public string WritePkcs12(string password, params X509Certificate2[] extraCertificates)
    {
        var key = Key ?? throw new InvalidOperationException("PKCS#12 is written for .NET keys only");
        using var certificate = X509CertificateLoader.LoadCertificate(CertificateDer);
        using var withKey = key switch
        {
            ECDsa ec => certificate.CopyWithPrivateKey(ec),
            RSA rsa => certificate.CopyWithPrivateKey(rsa),
            _ => throw new InvalidOperationException("unsupported key"),
        };
        var collection = new X509Certificate2Collection { withKey };
        collection.AddRange(extraCertificates);
        var bytes = collection.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, password)!;
        var path = Path.Combine(Folder, $"{Name}.p12");
        File.WriteAllBytes(path, bytes);
        RestrictToOwner(path);
        return path;
    }

    private string Write(string fileName, string content)
    {
        var path = Path.Combine(Folder, fileName);
        File.WriteAllText(path, content);
        RestrictToOwner(path);
        return path;
    }

    /// <summary>Mode 600, as a key file should be; a test that wants the start-up warning opens it up itself.</summary>
    private static void RestrictToOwner(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
