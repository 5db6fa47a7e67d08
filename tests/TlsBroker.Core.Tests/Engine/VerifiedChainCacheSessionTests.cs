using Microsoft.Extensions.Time.Testing;
using TlsBroker.Core.Engine;
using TlsBroker.Core.Policy;
using TlsBroker.Core.Results;
using TlsBroker.Core.Verification;

namespace TlsBroker.Core.Tests.Engine;

/// <summary>Sessions of one policy share its verified-chain cache; time comes from the session's TimeProvider.</summary>
[Trait("Category", "Unit")]
public sealed class VerifiedChainCacheSessionTests(EngineChainFixture fixture) : IClassFixture<EngineChainFixture>
{
    private static readonly SessionStart Localhost = new("localhost", []);

    [Fact]
    public void Handshake_SecondSessionOfThePolicy_HitsTheCacheAndEstablishes()
    {
        var policy = FreshPolicy(new VerifiedChainCacheOptions());

        var first = Handshake(policy, TimeProvider.System, Localhost);
        var second = Handshake(policy, TimeProvider.System, Localhost);

        Assert.Equal((1, 1), (first.Ret, second.Ret));
        Assert.Equal(first.Established!.PeerCertificates, second.Established!.PeerCertificates);
        Assert.Equal((1L, 1L), (policy.Verifier.Cache!.Misses, policy.Verifier.Cache.Hits));
    }

    [Fact]
    public void Handshake_SecondSessionForAnotherName_VerifiesAgainAndFails()
    {
        var policy = FreshPolicy(new VerifiedChainCacheOptions());
        Assert.Equal(1, Handshake(policy, TimeProvider.System, Localhost).Ret);

        var result = Handshake(policy, TimeProvider.System, new SessionStart("other.localhost", []));

        Assert.Equal((-1, SslError.Ssl, X509VerifyCode.HostnameMismatch), (result.Ret, result.Error, result.Verify.Code));
        Assert.Equal(VerifyAlert.For(X509VerifyCode.HostnameMismatch), result.Alert!.Description);
        Assert.Equal(0L, policy.Verifier.Cache!.Hits);
    }

    [Fact]
    public void Handshake_SecondSessionAtTheLeafsNotAfter_FailsAsExpired()
    {
        var policy = FreshPolicy(new VerifiedChainCacheOptions { MaxAge = VerifiedChainCacheOptions.MaxAgeLimit });
        var notAfter = new DateTimeOffset(fixture.Chain.Leaf.Certificate.NotAfter.ToUniversalTime());
        var time = new FakeTimeProvider(notAfter.AddMinutes(-1));
        Assert.Equal(1, Handshake(policy, time, Localhost).Ret);

        time.Advance(TimeSpan.FromMinutes(1));
        var result = Handshake(policy, time, Localhost);

        Assert.Equal((-1, X509VerifyCode.CertHasExpired, 0), (result.Ret, result.Verify.Code, result.Verify.Depth));
        Assert.Equal(0L, policy.Verifier.Cache!.Hits);
    }

    [Fact]
    public void Handshake_CacheTurnedOff_VerifiesEverySession()
    {
        var policy = FreshPolicy(new VerifiedChainCacheOptions { MaxEntries = 0 });

        Assert.Equal(1, Handshake(policy, TimeProvider.System, Localhost).Ret);
        Assert.Equal(1, Handshake(policy, TimeProvider.System, Localhost).Ret);

        Assert.Null(policy.Verifier.Cache);
    }

    private TlsPolicy FreshPolicy(VerifiedChainCacheOptions cache) =>
        TlsPolicy.Create("cache", new TlsPolicyOptions { TrustAnchors = fixture.Chain.RootPath, VerifiedChainCache = cache });

    private StepResult Handshake(TlsPolicy policy, TimeProvider time, SessionStart start)
    {
        using var session = new TlsClientSession(policy, time);
        return new InMemoryPump(session, new InMemoryTlsServer(fixture.Chain, new()), 0).Handshake(start);
    }
}
