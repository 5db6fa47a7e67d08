using TlsBroker.Core.Verification;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Core.Tests.Verification;

[Trait("Category", "Unit")]
public sealed class TrustAnchorsTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "tlsbroker-tests", "anchors-" + Guid.NewGuid().ToString("N"));

    public TrustAnchorsTests() => Directory.CreateDirectory(folder);

    [Fact]
    public void Load_System_ReadsTheOperatingSystemStore()
    {
        var anchors = TrustAnchors.Load(TrustAnchors.SystemSpec);

        Assert.Equal("system", anchors.Source);
        Assert.NotEmpty(anchors.Certificates);
    }

    [Fact]
    public void CandidatesFor_ChainAmongTheSystemRoots_OnlyItsRoot()
    {
        using var chain = TestChain.Create();
        var system = TrustAnchors.Load(TrustAnchors.SystemSpec).Certificates;
        var anchors = TrustAnchors.FromCertificates([.. system, chain.Root.Certificate], "system and test root");

        var candidates = anchors.CandidatesFor([chain.Leaf.Certificate, chain.Intermediate.Certificate]);

        Assert.Equal([chain.Root.Certificate.Thumbprint], candidates.Select(c => c.Thumbprint));
    }

    [Fact]
    public void CandidatesFor_AnchorIssuedByAnotherAnchor_FollowsToBoth()
    {
        using var root = TestPki.Issue(CertificateSpec.Root("Candidate Root"));
        using var intermediate = TestPki.Issue(CertificateSpec.Intermediate("Candidate Intermediate"), root);
        using var leaf = TestPki.Issue(CertificateSpec.Server("candidate.test"), intermediate);
        using var stranger = TestPki.Issue(CertificateSpec.Root("Candidate Stranger"));
        var anchors = TrustAnchors.FromCertificates([stranger.Certificate, root.Certificate, intermediate.Certificate], "nested");

        var candidates = anchors.CandidatesFor([leaf.Certificate]);

        Assert.Equal([intermediate.Certificate.Thumbprint, root.Certificate.Thumbprint], candidates.Select(c => c.Thumbprint));
    }

    [Fact]
    public void Load_PemFileWithTwoRoots_BothLoaded()
    {
        using var first = TestPki.Issue(CertificateSpec.Root("Anchor One"));
        using var second = TestPki.Issue(CertificateSpec.Root("Anchor Two"));
        var path = Path.Combine(folder, "roots.pem");
        File.WriteAllText(path, first.CertificatePem + "\n" + second.CertificatePem);

        var anchors = TrustAnchors.Load(path);

        Assert.Equal(path, anchors.Source);
        Assert.Equal([first.Certificate.Thumbprint, second.Certificate.Thumbprint], anchors.Certificates.Select(c => c.Thumbprint));
    }

    [Fact]
    public void Load_Folder_ReadsPemAndCrtFilesOnly()
    {
        using var pem = TestPki.Issue(CertificateSpec.Root("Anchor Pem"));
        using var crt = TestPki.Issue(CertificateSpec.Root("Anchor Crt"));
        using var ignored = TestPki.Issue(CertificateSpec.Root("Anchor Txt"));
        File.WriteAllText(Path.Combine(folder, "a.pem"), pem.CertificatePem);
        File.WriteAllText(Path.Combine(folder, "b.crt"), crt.CertificatePem);
        File.WriteAllText(Path.Combine(folder, "c.txt"), ignored.CertificatePem);

        var anchors = TrustAnchors.Load(folder);

        Assert.Equal([pem.Certificate.Thumbprint, crt.Certificate.Thumbprint], anchors.Certificates.Select(c => c.Thumbprint));
    }

    [Fact]
    public void Load_MissingPath_ThrowsNamingIt()
    {
        var missing = Path.Combine(folder, "nope.pem");

        var error = Assert.Throws<InvalidOperationException>(() => TrustAnchors.Load(missing));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FileWithoutCertificate_ThrowsNamingIt()
    {
        var path = Path.Combine(folder, "empty.pem");
        File.WriteAllText(path, "not a certificate\n");

        var error = Assert.Throws<InvalidOperationException>(() => TrustAnchors.Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EmptyFolder_ThrowsNamingIt()
    {
        var error = Assert.Throws<InvalidOperationException>(() => TrustAnchors.Load(folder));

        Assert.Contains(folder, error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
