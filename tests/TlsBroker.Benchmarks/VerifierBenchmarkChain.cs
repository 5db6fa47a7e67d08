using System.Security.Cryptography.X509Certificates;
using TlsBroker.Core.Verification;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Benchmarks;

/// <summary>A root (the only trust anchor), an intermediate and a "localhost" leaf, optionally with impostor intermediates sent before the real one.</summary>
internal sealed class VerifierBenchmarkChain : IDisposable
{
    private readonly List<TestCertificate> certificates;
    private readonly string folder;

    private VerifierBenchmarkChain(List<TestCertificate> certificates, string folder, TrustAnchors anchors, byte[][] sent, ServerIdentity identity)
    {
        this.certificates = certificates;
        this.folder = folder;
        Anchors = anchors;
        Sent = sent;
        Identity = identity;
    }

    public TrustAnchors Anchors { get; }

    /// <summary>DER as a server sends it: the leaf, the impostors, the real intermediate.</summary>
    public byte[][] Sent { get; }

    public ServerIdentity Identity { get; }

    public static VerifierBenchmarkChain Create(KeyKind key, int impostors)
    {
        var root = TestPki.Issue(CertificateSpec.Root("Bench Verify Root", key));
        var intermediate = TestPki.Issue(CertificateSpec.Intermediate("Bench Verify Intermediate", key), root);
        var leaf = TestPki.Issue(CertificateSpec.Server("localhost", key), intermediate);
        var keyIdentifier = new X509SubjectKeyIdentifierExtension(intermediate.Certificate.Extensions["2.5.29.14"]!, critical: false).SubjectKeyIdentifierBytes.ToArray();
        var crowd = Enumerable.Range(0, impostors)
            .Select(_ => TestPki.Issue(CertificateSpec.Intermediate("Bench Verify Intermediate", key) with { SubjectKeyIdentifier = keyIdentifier }, root))
            .ToList();
        var folder = Path.Combine(Path.GetTempPath(), "tlsbroker-bench-verify-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var rootPath = Path.Combine(folder, "root.pem");
        File.WriteAllText(rootPath, root.CertificatePem);
        if (!ServerIdentity.TryParse("localhost", out var identity, out var error))
        {
            throw new InvalidOperationException(error);
        }

        byte[][] sent = [leaf.Der, .. crowd.Select(c => c.Der), intermediate.Der];
        return new VerifierBenchmarkChain([root, intermediate, leaf, .. crowd], folder, TrustAnchors.Load(rootPath), sent, identity!);
    }

    public void Dispose()
    {
        foreach (var certificate in certificates)
        {
            certificate.Dispose();
        }

        Directory.Delete(folder, recursive: true);
    }
}
