using System.Net;

namespace TlsBroker.Testing.Pki;

/// <summary>
/// A root, an intermediate and a server certificate, written as PEM files into a temporary
/// folder for real TLS peers: <see cref="ChainPath"/> (server + intermediate), <see cref="KeyPath"/>,
/// and <see cref="RootPath"/> (the trust anchor to give the broker).
/// </summary>
public sealed class TestChain : IDisposable
{
    private TestChain(TestCertificate root, TestCertificate intermediate, TestCertificate leaf, string folder)
    {
        Root = root;
        Intermediate = intermediate;
        Leaf = leaf;
        Folder = folder;
        RootPath = Path.Combine(folder, "root.pem");
        ChainPath = Path.Combine(folder, "chain.pem");
        KeyPath = Path.Combine(folder, "server-key.pem");
        File.WriteAllText(RootPath, root.CertificatePem);
        File.WriteAllText(ChainPath, leaf.CertificatePem + "\n" + intermediate.CertificatePem);
        File.WriteAllText(KeyPath, leaf.PrivateKeyPem);
    }

    public TestCertificate Root { get; }

    public TestCertificate Intermediate { get; }

    public TestCertificate Leaf { get; }

    public string Folder { get; }

    public string RootPath { get; }

    public string ChainPath { get; }

    public string KeyPath { get; }

    /// <summary>A chain for "localhost" and 127.0.0.1, or a leaf shaped by <paramref name="leafSpec"/>.</summary>
    public static TestChain Create(KeyKind leafKey = KeyKind.EcdsaP256, CertificateSpec? leafSpec = null)
    {
        var root = TestPki.Issue(CertificateSpec.Root("TlsBroker Test Root"));
        var intermediate = TestPki.Issue(CertificateSpec.Intermediate("TlsBroker Test Intermediate"), root);
        var spec = leafSpec ?? CertificateSpec.Server("localhost", leafKey) with { IpAddresses = [IPAddress.Loopback] };
        var leaf = TestPki.Issue(spec, intermediate);
        return new TestChain(root, intermediate, leaf, CreateFolder());
    }

    /// <summary>Writes extra PEM files next to the chain (for variants a test builds itself).</summary>
    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        Root.Dispose();
        Intermediate.Dispose();
        Leaf.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A peer process may still hold a file open while it exits; the OS temp cleaner takes the rest.
        }
    }

    private static string CreateFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "tlsbroker-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }
}
