using TlsBroker.Core.Results;
using TlsBroker.Core.Verification;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Core.Tests.Verification;

/// <summary>
/// Custom extended key usages (no OpenSSL purpose to compare with) and the verified-chain cache under
/// different requirements: a verdict reached under one policy's requirements is never reused under another's.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ChainRequirementsTests : IDisposable
{
    private const string CodeSigning = "1.3.6.1.5.5.7.3.3";
    private const string PrivateUsage = "1.3.6.1.4.1.99999.42";

    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private readonly PathShapes shapes = new();

    [Theory]
    [InlineData(PrivateUsage, PrivateUsage, true)]
    [InlineData(PrivateUsage + "," + CodeSigning, CodeSigning, true)]
    [InlineData(CodeSigning, PrivateUsage, false)]
    [InlineData("-", PrivateUsage, true)]
    [InlineData("1.3.6.1.5.5.7.3.1", PrivateUsage, false)]
    public void Verify_CustomExtendedKeyUsage_AcceptedOnlyWhenListedOrUnrestricted(string leafUsages, string required, bool accepted)
    {
        var (root, intermediate, leaf) = Chain(leafUsages == "-" ? null : leafUsages.Split(','));

        var outcome = Verifier(root, Requirements([required], ChainRequirements.DefaultMaxDepth)).Verify(Sent(leaf, intermediate), Identity(), Now);

        Assert.True(accepted == outcome.IsOk, outcome.Reason);
        if (!accepted)
        {
            Assert.Equal((X509VerifyCode.InvalidPurpose, 0), (outcome.Code, outcome.Depth));
            Assert.Contains(required, outcome.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Verify_SeveralRequiredUsages_AnyOneSuffices()
    {
        var (root, intermediate, leaf) = Chain(["1.3.6.1.5.5.7.3.2"]);

        var outcome = Verifier(root, Requirements(["serverAuth", "clientAuth"], ChainRequirements.DefaultMaxDepth)).Verify(Sent(leaf, intermediate), Identity(), Now);

        Assert.True(outcome.IsOk, outcome.Reason);
    }

    /// <summary>One cache shared by verifiers with other requirements: the success under the first is no hit for the others.</summary>
    [Theory]
    [InlineData("clientAuth", ChainRequirements.DefaultMaxDepth, X509VerifyCode.InvalidPurpose)]
    [InlineData("serverAuth", 0, X509VerifyCode.CertChainTooLong)]
    public void Verify_SharedCacheOtherRequirements_MissesAndReportsItsOwnFailure(string usage, int maxDepth, X509VerifyCode expected)
    {
        var (root, intermediate, leaf) = Chain(["1.3.6.1.5.5.7.3.1"]);
        var cache = new VerifiedChainCache(16, TimeSpan.FromHours(1));
        var anchors = TrustAnchors.FromCertificates([root.Certificate], "shared");
        var lenient = new CertificateVerifier(anchors, cache, requirements: ChainRequirements.Default);
        var strict = new CertificateVerifier(anchors, cache, requirements: Requirements([usage], maxDepth));
        Assert.True(lenient.Verify(Sent(leaf, intermediate), Identity(), Now).IsOk);

        var outcome = strict.Verify(Sent(leaf, intermediate), Identity(), Now);

        Assert.Equal(expected, outcome.Code);
        Assert.Equal((0L, 1), (cache.Hits, cache.Count));
        Assert.True(lenient.Verify(Sent(leaf, intermediate), Identity(), Now).IsOk);
        Assert.Equal(1L, cache.Hits);
    }

    [Fact]
    public void Compute_RequirementsDiffer_KeysDiffer()
    {
        var (_, intermediate, leaf) = Chain(["1.3.6.1.5.5.7.3.1"]);
        var sent = Sent(leaf, intermediate);
        ChainRequirements[] variants =
        [
            ChainRequirements.Default,
            Requirements(["clientAuth"], ChainRequirements.DefaultMaxDepth),
            Requirements(["serverAuth", "clientAuth"], ChainRequirements.DefaultMaxDepth),
            Requirements(["serverAuth"], 99),
            Requirements([PrivateUsage], 1),
            ChainRequirements.Default with { Profile = VerificationProfile.Strict },
        ];

        var keys = variants.Select(r => VerifiedChainKey.Compute(sent, IdentityExpectation.For(Identity()), r)).ToList();

        Assert.Equal(variants.Length, keys.Distinct().Count());
        Assert.Equal(keys[0], VerifiedChainKey.Compute(sent, IdentityExpectation.For(Identity()), Requirements(["serverAuth"], ChainRequirements.DefaultMaxDepth)));
    }

    public void Dispose() => shapes.Dispose();

    private (TestCertificate Root, TestCertificate Intermediate, TestCertificate Leaf) Chain(IReadOnlyList<string>? leafUsages)
    {
        var root = shapes.Issue(CertificateSpec.Root("Usage Root"));
        var intermediate = shapes.Issue(CertificateSpec.Intermediate("Usage Intermediate"), root);
        var leaf = shapes.Issue(PathShapes.ServerSpec with { ExtendedKeyUsages = leafUsages }, intermediate);
        return (root, intermediate, leaf);
    }

    private static CertificateVerifier Verifier(TestCertificate root, ChainRequirements requirements) =>
        new(TrustAnchors.FromCertificates([root.Certificate], "usage"), requirements: requirements);

    private static IReadOnlyList<byte[]> Sent(TestCertificate leaf, TestCertificate intermediate) => [leaf.Der, intermediate.Der];

    private static ServerIdentity Identity()
    {
        Assert.True(ServerIdentity.TryParse(PathShapes.HostName, out var identity, out var error), error);
        return identity!;
    }

    private static ChainRequirements Requirements(IReadOnlyList<string> usages, int maxDepth)
    {
        var problems = new List<string>();
        var requirements = ChainRequirements.Parse(usages, maxDepth, problems);
        Assert.Empty(problems);
        return requirements!;
    }
}
