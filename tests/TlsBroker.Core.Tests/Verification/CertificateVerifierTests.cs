using TlsBroker.Core.Results;
using TlsBroker.Core.Verification;

namespace TlsBroker.Core.Tests.Verification;

[Trait("Category", "Unit")]
public sealed class CertificateVerifierTests(VerificationPki pki) : IClassFixture<VerificationPki>
{
    private static readonly Lazy<IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2>> SystemRoots =
        new(() => TrustAnchors.Load(TrustAnchors.SystemSpec).Certificates);

    public static TheoryData<string> Rows => VerifyCases.Names;

    /// <summary>Path building is handed only the anchors that can be in a path: a store of ~150 more roots changes no outcome.</summary>
    [Theory]
    [MemberData(nameof(Rows))]
    public void Verify_MatrixRowWithTheSystemRootsToo_SameOutcome(string row)
    {
        using var chain = VerifyCases.Get(row).Build(new ChainFactory(pki));
        var own = chain.Anchors.Select(a => a.Certificate).ToList();
        var alone = new CertificateVerifier(TrustAnchors.FromCertificates(own, "own"));
        var amongSystem = new CertificateVerifier(TrustAnchors.FromCertificates([.. SystemRoots.Value, .. own], "own and system"));
        Assert.True(ServerIdentity.TryParse(chain.ServerName, out var identity, out var error), error);
        var now = DateTimeOffset.UtcNow;

        Assert.Equal(alone.Verify(chain.SentDer, identity!, now), amongSystem.Verify(chain.SentDer, identity!, now));
    }

    [Fact]
    public void Verify_ConcurrentSessionsSharingOneVerifier_EachGetsItsOwnOutcome()
    {
        var factory = new ChainFactory(pki);
        using var valid = VerifyCases.Get("valid chain, DNS name").Build(factory);
        using var expired = VerifyCases.Get("expired leaf").Build(factory);
        var verifier = new CertificateVerifier(TrustAnchors.FromCertificates([pki.Root.Certificate], "concurrency"));
        Assert.True(ServerIdentity.TryParse(ChainFactory.HostName, out var identity, out var error), error);
        var now = DateTimeOffset.UtcNow;

        var outcomes = new X509VerifyCode[64];
        Parallel.For(0, outcomes.Length, i =>
            outcomes[i] = verifier.Verify(i % 2 == 0 ? valid.SentDer : expired.SentDer, identity!, now).Code);

        Assert.All(outcomes, (code, i) => Assert.Equal(i % 2 == 0 ? X509VerifyCode.Ok : X509VerifyCode.CertHasExpired, code));
    }

    [Fact]
    public void Verify_CertificateThatDoesNotParse_UnspecifiedAtItsDepth()
    {
        var factory = new ChainFactory(pki);
        using var valid = VerifyCases.Get("valid chain, DNS name").Build(factory);
        var verifier = new CertificateVerifier(TrustAnchors.FromCertificates([pki.Root.Certificate], "garbage"));
        Assert.True(ServerIdentity.TryParse(ChainFactory.HostName, out var identity, out var error), error);

        var outcome = verifier.Verify([valid.Leaf.Der, [0x30, 0x03, 0x02, 0x01, 0x00]], identity!, DateTimeOffset.UtcNow);

        Assert.Equal(X509VerifyCode.Unspecified, outcome.Code);
        Assert.Equal(1, outcome.Depth);
    }

    [Fact]
    public void Verify_EmptyChain_IsAProgrammingError()
    {
        var verifier = new CertificateVerifier(TrustAnchors.FromCertificates([pki.Root.Certificate], "empty"));
        Assert.True(ServerIdentity.TryParse(ChainFactory.HostName, out var identity, out var error), error);

        Assert.Throws<ArgumentOutOfRangeException>(() => verifier.Verify([], identity!, DateTimeOffset.UtcNow));
    }
}
