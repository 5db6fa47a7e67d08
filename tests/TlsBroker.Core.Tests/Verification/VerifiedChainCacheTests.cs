using TlsBroker.Core.Policy;
using TlsBroker.Core.Results;
using TlsBroker.Core.Verification;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Core.Tests.Verification;

/// <summary>
/// The verifier with its cache of successful verifications: what is a hit, what must miss, when an
/// entry stops being used, and that every failure is still computed with its own code and depth.
/// </summary>
[Trait("Category", "Unit")]
public sealed class VerifiedChainCacheTests(VerificationPki pki) : IClassFixture<VerificationPki>
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    public static TheoryData<string> Rows => VerifyCases.Names;

    [Fact]
    public void Verify_SameChainAndName_SecondIsAHit()
    {
        using var chain = VerifyCases.Get("valid chain, DNS name").Build(new ChainFactory(pki));
        var verifier = CachedVerifier(chain, maxEntries: 16, Hour);
        var now = DateTimeOffset.UtcNow;

        var first = verifier.Verify(chain.SentDer, Identity(chain.ServerName), now);
        var second = verifier.Verify(chain.SentDer, Identity(chain.ServerName), now);

        Assert.Equal((X509VerifyCode.Ok, X509VerifyCode.Ok), (first.Code, second.Code));
        Assert.Equal((1L, 1L), (verifier.Cache!.Misses, verifier.Cache.Hits));
    }

    [Fact]
    public void Verify_SameChainOtherName_MissesAndReportsTheMismatch()
    {
        using var chain = VerifyCases.Get("valid chain, DNS name").Build(new ChainFactory(pki));
        var verifier = CachedVerifier(chain, maxEntries: 16, Hour);
        var now = DateTimeOffset.UtcNow;
        Assert.True(verifier.Verify(chain.SentDer, Identity(chain.ServerName), now).IsOk);

        var other = verifier.Verify(chain.SentDer, Identity("other.example.test"), now);
        var ipLiteral = verifier.Verify(chain.SentDer, Identity("127.0.0.1"), now);

        Assert.Equal((X509VerifyCode.HostnameMismatch, 0), (other.Code, other.Depth));
        Assert.True(ipLiteral.IsOk);
        Assert.Equal((3L, 0L), (verifier.Cache!.Misses, verifier.Cache.Hits));
    }

    [Fact]
    public void Verify_OtherChainSameName_MissesAndReportsItsOwnFailure()
    {
        using var chain = VerifyCases.Get("valid chain, DNS name").Build(new ChainFactory(pki));
        var verifier = CachedVerifier(chain, maxEntries: 16, Hour);
        var now = DateTimeOffset.UtcNow;
        Assert.True(verifier.Verify(chain.SentDer, Identity(chain.ServerName), now).IsOk);

        var leafOnly = verifier.Verify([chain.Leaf.Der], Identity(chain.ServerName), now);
        var withRoot = verifier.Verify([.. chain.SentDer, pki.Root.Der], Identity(chain.ServerName), now);

        Assert.Equal((X509VerifyCode.UnableToGetIssuerCertLocally, 0), (leafOnly.Code, leafOnly.Depth));
        Assert.True(withRoot.IsOk);
        Assert.Equal((3L, 0L), (verifier.Cache!.Misses, verifier.Cache.Hits));
    }

    [Fact]
    public void Verify_SameChainUnderAnotherPolicy_Misses()
    {
        using var chain = VerifyCases.Get("valid chain, DNS name").Build(new ChainFactory(pki));
        using var files = ServedChain.Write(chain);
        var options = new TlsPolicyOptions { TrustAnchors = files.AnchorsPath };
        var first = TlsPolicy.Create("first", options).Verifier;
        var second = TlsPolicy.Create("second", options).Verifier;
        var now = DateTimeOffset.UtcNow;

        Assert.True(first.Verify(chain.SentDer, Identity(chain.ServerName), now).IsOk);
        Assert.True(second.Verify(chain.SentDer, Identity(chain.ServerName), now).IsOk);

        Assert.Equal((1L, 0L), (first.Cache!.Misses, first.Cache.Hits));
        Assert.Equal((1L, 0L), (second.Cache!.Misses, second.Cache.Hits));
    }

    [Fact]
    public void Verify_AtTheAnchorsNotAfter_IsNotAHitAndReportsTheExpiredAnchor()
    {
        var factory = new ChainFactory(pki);
        var start = DateTimeOffset.UtcNow;
        var root = factory.Issue(CertificateSpec.Root("Short-lived Root") with { NotAfter = start.AddDays(2) }, null);
        var intermediate = factory.Issue(CertificateSpec.Intermediate("Long-lived Intermediate") with { NotAfter = start.AddDays(20) }, root);
        var leaf = factory.Issue(ChainFactory.ServerSpec, intermediate);
        using var chain = factory.Chain(leaf, [intermediate], ChainFactory.HostName, [root]);
        var verifier = CachedVerifier(chain, maxEntries: 16, TimeSpan.FromDays(1));
        var rootNotAfter = new DateTimeOffset(root.Certificate.NotAfter.ToUniversalTime());
        Assert.True(verifier.Verify(chain.SentDer, Identity(chain.ServerName), rootNotAfter.AddHours(-2)).IsOk);

        var justBefore = verifier.Verify(chain.SentDer, Identity(chain.ServerName), rootNotAfter.AddSeconds(-1));
        var atNotAfter = verifier.Verify(chain.SentDer, Identity(chain.ServerName), rootNotAfter);

        Assert.True(justBefore.IsOk);
        Assert.Equal((X509VerifyCode.CertHasExpired, 2), (atNotAfter.Code, atNotAfter.Depth));
        Assert.Equal((2L, 1L), (verifier.Cache!.Misses, verifier.Cache.Hits));
    }

    [Fact]
    public void Verify_BeforeTheLeafsNotBefore_IsNotAHit()
    {
        var factory = new ChainFactory(pki);
        var now = DateTimeOffset.UtcNow;
        using var chain = factory.UnderIntermediate(s => s with { NotBefore = now.AddMinutes(-5) });
        var verifier = CachedVerifier(chain, maxEntries: 16, Hour);
        Assert.True(verifier.Verify(chain.SentDer, Identity(chain.ServerName), now).IsOk);

        var earlier = verifier.Verify(chain.SentDer, Identity(chain.ServerName), now.AddMinutes(-10));

        Assert.Equal((X509VerifyCode.CertNotYetValid, 0), (earlier.Code, earlier.Depth));
        Assert.Equal(0L, verifier.Cache!.Hits);
    }

    [Fact]
    public void Verify_AfterMaxAge_VerifiesAgain()
    {
        using var chain = VerifyCases.Get("valid chain, DNS name").Build(new ChainFactory(pki));
        var maxAge = TimeSpan.FromMinutes(10);
        var verifier = CachedVerifier(chain, maxEntries: 16, maxAge);
        var now = DateTimeOffset.UtcNow;
        Assert.True(verifier.Verify(chain.SentDer, Identity(chain.ServerName), now).IsOk);

        Assert.True(verifier.Verify(chain.SentDer, Identity(chain.ServerName), now + maxAge - TimeSpan.FromSeconds(1)).IsOk);
        Assert.Equal((1L, 1L), (verifier.Cache!.Misses, verifier.Cache.Hits));
        Assert.True(verifier.Verify(chain.SentDer, Identity(chain.ServerName), now + maxAge).IsOk);
        Assert.Equal((2L, 1L), (verifier.Cache.Misses, verifier.Cache.Hits));
    }

    [Fact]
    public void Verify_Failure_IsNeverCached()
    {
        using var chain = VerifyCases.Get("expired leaf").Build(new ChainFactory(pki));
        var verifier = CachedVerifier(chain, maxEntries: 16, Hour);
        var now = DateTimeOffset.UtcNow;

        var first = verifier.Verify(chain.SentDer, Identity(chain.ServerName), now);
        var second = verifier.Verify(chain.SentDer, Identity(chain.ServerName), now);

        Assert.Equal(X509VerifyCode.CertHasExpired, first.Code);
        Assert.Equal(first, second);
        Assert.Equal((2L, 0L, 0), (verifier.Cache!.Misses, verifier.Cache.Hits, verifier.Cache.Count));
    }

    [Fact]
    public void Verify_MoreChainsThanMaxEntries_EvictsTheLeastRecentlyUsed()
    {
        using var chain = VerifyCases.Get("valid chain, DNS name").Build(new ChainFactory(pki));
        var verifier = CachedVerifier(chain, maxEntries: 2, Hour);
        var now = DateTimeOffset.UtcNow;
        string[] names = [chain.ServerName, "127.0.0.1", "::1"];
        Verify(names[0]);
        Verify(names[1]);
        Verify(names[0]);
        Verify(names[2]);
        Assert.Equal((3L, 1L, 2), (verifier.Cache!.Misses, verifier.Cache.Hits, verifier.Cache.Count));

        Verify(names[0]);
        Verify(names[1]);

        Assert.Equal((4L, 2L, 2), (verifier.Cache.Misses, verifier.Cache.Hits, verifier.Cache.Count));

        void Verify(string name) => Assert.True(verifier.Verify(chain.SentDer, Identity(name), now).IsOk);
    }

    [Fact]
    public void Verify_ConcurrentSessionsSharingOneSmallCache_EachGetsItsOwnOutcome()
    {
        var factory = new ChainFactory(pki);
        using var valid = VerifyCases.Get("valid chain, DNS name").Build(factory);
        using var expired = VerifyCases.Get("expired leaf").Build(factory);
        var verifier = CachedVerifier(valid, maxEntries: 2, Hour);
        var now = DateTimeOffset.UtcNow;
        (IReadOnlyList<byte[]> Chain, string Name, X509VerifyCode Expected)[] work =
        [
            (valid.SentDer, valid.ServerName, X509VerifyCode.Ok),
            (valid.SentDer, "127.0.0.1", X509VerifyCode.Ok),
            (valid.SentDer, "::1", X509VerifyCode.Ok),
            (valid.SentDer, "other.example.test", X509VerifyCode.HostnameMismatch),
            (expired.SentDer, expired.ServerName, X509VerifyCode.CertHasExpired),
        ];

        var outcomes = new X509VerifyCode[400];
        Parallel.For(0, outcomes.Length, i =>
        {
            var (sent, name, _) = work[i % work.Length];
            outcomes[i] = verifier.Verify(sent, Identity(name), now).Code;
        });

        Assert.All(outcomes, (code, i) => Assert.Equal(work[i % work.Length].Expected, code));
        Assert.Equal(outcomes.Length, verifier.Cache!.Hits + verifier.Cache.Misses);
        Assert.InRange(verifier.Cache.Count, 1, 2);
    }

    /// <summary>Every row of the verification matrix, verified twice through a cache, gives what the uncached verifier gives.</summary>
    [Theory]
    [MemberData(nameof(Rows))]
    public void Verify_MatrixRowTwiceWithCache_SameOutcomeAsWithout(string row)
    {
        using var chain = VerifyCases.Get(row).Build(new ChainFactory(pki));
        var anchors = TrustAnchors.FromCertificates(chain.Anchors.Select(a => a.Certificate), "matrix");
        var uncached = new CertificateVerifier(anchors);
        var cached = new CertificateVerifier(anchors, new VerifiedChainCache(16, Hour));
        var identity = Identity(chain.ServerName);
        var now = DateTimeOffset.UtcNow;

        var expected = uncached.Verify(chain.SentDer, identity, now);

        Assert.Equal(expected, cached.Verify(chain.SentDer, identity, now));
        Assert.Equal(expected, cached.Verify(chain.SentDer, identity, now));
        Assert.Equal(expected.IsOk ? 1L : 0L, cached.Cache!.Hits);
    }

    private static CertificateVerifier CachedVerifier(ChainUnderTest chain, int maxEntries, TimeSpan maxAge) =>
        new(TrustAnchors.FromCertificates(chain.Anchors.Select(a => a.Certificate), "cache"), new VerifiedChainCache(maxEntries, maxAge));

    private static ServerIdentity Identity(string name)
    {
        Assert.True(ServerIdentity.TryParse(name, out var identity, out var error), error);
        return identity!;
    }
}
