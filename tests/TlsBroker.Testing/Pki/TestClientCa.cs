using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TlsBroker.Testing.Pki;

/// <summary>
/// A client-certificate CA for mutual TLS tests: its root in <see cref="RootPath"/> (for a server's
/// -CAfile) and client identities it issues, written into a temporary folder.
/// </summary>
public sealed class TestClientCa : IDisposable
{
    private TestClientCa(TestCertificate root, string folder)
    {
        Root = root;
        Folder = folder;
        RootPath = Path.Combine(folder, "client-ca.pem");
        KeyPath = Path.Combine(folder, "client-ca.key.pem");
        File.WriteAllText(RootPath, root.CertificatePem);
        File.WriteAllText(KeyPath, root.PrivateKeyPem);
    }

    public TestCertificate Root { get; }

    public string Folder { get; }

    public string RootPath { get; }

    public string KeyPath { get; }

    public static TestClientCa Create(string commonName = "TlsBroker Test Client CA")
    {
        var folder = Path.Combine(Path.GetTempPath(), "tlsbroker-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return new TestClientCa(TestPki.Issue(CertificateSpec.Root(commonName)), folder);
    }

    /// <summary>Issues a client certificate for a .NET-generated key (ECDSA or RSA).</summary>
    public TestClientIdentity Issue(KeyKind key, string commonName = "tlsbroker-client")
    {
        var issued = TestPki.Issue(CertificateSpec.Client(commonName, key), Root);
        var privateKey = issued.PrivateKey;
        var scalar = privateKey switch
        {
            ECDsa ec => ec.ExportParameters(includePrivateParameters: true).D!,
            // RSAParameters.D is padded to the modulus' length; the DER INTEGER in PKCS#8 is not (1 key in 256 starts with 0).
            RSA rsa => rsa.ExportParameters(includePrivateParameters: true).D!.AsSpan().TrimStart((byte)0).ToArray(),
            _ => throw new InvalidOperationException("unsupported key"),
        };
        return new TestClientIdentity(Folder, commonName, issued.Der, privateKey.ExportPkcs8PrivateKey(), scalar, privateKey);
    }

    /// <summary>Issues an Ed25519 client certificate with the openssl command (.NET makes no Ed25519 keys).</summary>
    public async Task<TestClientIdentity> IssueEd25519Async(string commonName = "tlsbroker-ed25519-client")
    {
        var keyPath = Path.Combine(Folder, $"{commonName}.openssl-key.pem");
        var requestPath = Path.Combine(Folder, $"{commonName}.csr");
        var certificatePath = Path.Combine(Folder, $"{commonName}.openssl-crt.pem");
        var extensionsPath = Path.Combine(Folder, $"{commonName}.ext");
        await File.WriteAllTextAsync(extensionsPath, "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n");
        await Run("genpkey", "-algorithm", "ed25519", "-out", keyPath);
        await Run("req", "-new", "-key", keyPath, "-subj", $"/CN={commonName}/O=TlsBroker Tests", "-out", requestPath);
        await Run("x509", "-req", "-in", requestPath, "-CA", RootPath, "-CAkey", KeyPath, "-CAcreateserial", "-days", "30", "-extfile", extensionsPath, "-out", certificatePath);

        var pkcs8 = PemBody(await File.ReadAllTextAsync(keyPath));
        var certificateDer = PemBody(await File.ReadAllTextAsync(certificatePath));

        // RFC 8410 §7: OneAsymmetricKey whose privateKey is an OCTET STRING holding the 32-byte seed, at the end.
        return new TestClientIdentity(Folder, commonName, certificateDer, pkcs8, pkcs8[^32..], key: null);
    }

    public void Dispose()
    {
        Root.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A peer process may still hold a file open while it exits; the OS temp cleaner takes the rest.
        }
    }

    private static byte[] PemBody(string pem) => Convert.FromBase64String(pem[PemEncoding.Find(pem).Base64Data]);

    private static async Task Run(params string[] arguments)
    {
        var (exitCode, output) = await OpenSslCommand.RunAsync(arguments);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"openssl {string.Join(' ', arguments)} failed ({exitCode}):\n{output}");
        }
    }
}
