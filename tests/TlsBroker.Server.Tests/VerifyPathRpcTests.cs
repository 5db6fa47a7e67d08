using Microsoft.Extensions.DependencyInjection;
using TlsBroker.Contracts.V1;
using TlsBroker.Core.Verification;
using TlsBroker.Server.Reload;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing.Pki;
using PinStatus = TlsBroker.Contracts.V1.PinStatus;

namespace TlsBroker.Server.Tests;

/// <summary>
/// VerifyResponse.path and .pins through a real in-process broker: the path the verifier accepted
/// (leaf to anchor), the same on a verified-chain cache hit, the path a rejection is about, and which
/// pin matched at which depth.
/// </summary>
[Trait("Category", "Functional")]
public sealed class VerifyPathRpcTests
{
    [Fact]
    public async Task Verify_AcceptedChain_PathIsLeafIntermediateAnchorAlsoOnCacheHit()
    {
        using var chain = TestChain.Create();
        await using var broker = await BrokerHost.StartAsync([$"Broker:Policies:default:TrustAnchors={chain.RootPath}"]);
        var cache = Policy(broker).Verifier.Cache!;

        var first = await VerifyCalls.VerifyAsync(broker.Client, VerifyCalls.Request(chain, "localhost"));
        var hitsBefore = cache.Hits;
        var second = await VerifyCalls.VerifyAsync(broker.Client, VerifyCalls.Request(chain, "localhost"));

        Assert.Equal(0, first.Verify.Code);
        Assert.Equal(Ders(chain.Leaf, chain.Intermediate, chain.Root), first.Path.Select(p => p.ToByteArray()));
        Assert.Equal(PinStatus.NotConfigured, first.Pins.Status);
        Assert.Equal(hitsBefore + 1, cache.Hits);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Verify_PinOnIntermediate_MatchedAtDepthOneAlsoOnCacheHit()
    {
        using var chain = TestChain.Create();
        var pin = ServerPins.PinOf(chain.Intermediate.Certificate);
        await using var broker = await BrokerHost.StartAsync(
        [
            $"Broker:Policies:default:TrustAnchors={chain.RootPath}",
            $"Broker:Policies:default:Pins:0={pin}",
        ]);

        var first = await VerifyCalls.VerifyAsync(broker.Client, VerifyCalls.Request(chain, "localhost"));
        var second = await VerifyCalls.VerifyAsync(broker.Client, VerifyCalls.Request(chain, "localhost"));

        Assert.Equal(0, first.Verify.Code);
        Assert.Equal((PinStatus.Matched, 1, pin), (first.Pins.Status, first.Pins.Depth, first.Pins.Pin));
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Verify_UnrelatedPin_DaneNoMatchWithPathAndNoMatch()
    {
        using var chain = TestChain.Create();
        using var other = TestChain.Create();
        await using var broker = await BrokerHost.StartAsync(
        [
            $"Broker:Policies:default:TrustAnchors={chain.RootPath}",
            $"Broker:Policies:default:Pins:0={ServerPins.PinOf(other.Root.Certificate)}",
        ]);

        var response = await VerifyCalls.VerifyAsync(broker.Client, VerifyCalls.Request(chain, "localhost"));

        Assert.Equal(("X509_V_ERR_DANE_NO_MATCH", 0), (response.Verify.Name, response.Verify.Depth));
        Assert.Equal(PinStatus.NoMatch, response.Pins.Status);
        Assert.Equal(Ders(chain.Leaf, chain.Intermediate, chain.Root), response.Path.Select(p => p.ToByteArray()));
    }

    [Fact]
    public async Task Verify_ExpiredIntermediate_PathNamesTheCertificateAtTheReportedDepth()
    {
        using var root = TestPki.Issue(CertificateSpec.Root("Path Root"));
        using var intermediate = TestPki.Issue(
            CertificateSpec.Intermediate("Path Expired Intermediate") with { NotBefore = DateTimeOffset.UtcNow.AddDays(-9), NotAfter = DateTimeOffset.UtcNow.AddDays(-2) }, root);
        using var leaf = TestPki.Issue(CertificateSpec.Server("localhost") with { NotBefore = DateTimeOffset.UtcNow.AddDays(-3) }, intermediate);
        var anchors = Path.Combine(Path.GetTempPath(), $"tlsbroker-verifypath-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(anchors, root.CertificatePem);
        try
        {
            var oracle = await OpenSslVerify.RunAsync(leaf, [root], [intermediate], "localhost");
            await using var broker = await BrokerHost.StartAsync([$"Broker:Policies:default:TrustAnchors={anchors}"]);

            var response = await VerifyCalls.VerifyAsync(broker.Client, VerifyCalls.Request([leaf, intermediate], "localhost"));

            Assert.Equal((oracle.Code, oracle.Depth), (response.Verify.Code, response.Verify.Depth));
            Assert.Equal(intermediate.Der, response.Path[response.Verify.Depth].ToByteArray());
            Assert.Equal(PinStatus.NotConfigured, response.Pins.Status);
        }
        finally
        {
            File.Delete(anchors);
        }
    }

    private static Core.Policy.TlsPolicy Policy(BrokerHost broker)
    {
        Assert.True(broker.Services.GetRequiredService<LiveConfiguration>().Current.Policies.TryGet("default", out var policy));
        return policy;
    }

    private static IEnumerable<byte[]> Ders(params TestCertificate[] certificates) => certificates.Select(c => c.Der);
}
