using TlsBroker.Core.Results;
using TlsBroker.Core.Verification;
using TlsBroker.Testing;
using TlsBroker.Testing.Pki;
using Xunit.Abstractions;

namespace TlsBroker.Core.Tests.Verification;

/// <summary>
/// Every row of <see cref="StrictProfileRows"/> under both profiles, each against the real <c>openssl verify</c>:
/// the strict profile must give the number and depth <c>-x509_strict</c> gives; webpki what OpenSSL gives
/// without it, unless the row names the broker's own stricter code (README, "Verification profiles").
/// </summary>
[Trait("Category", "Functional")]
public sealed class StrictProfileTests(ITestOutputHelper output) : IDisposable
{
    private readonly PathShapes shapes = new();

    public static TheoryData<string> Rows => StrictProfileRows.Names;

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Verify_StrictProfile_AgreesWithOpenSslX509Strict(string row)
    {
        var testCase = StrictProfileRows.Get(row);
        var chain = testCase.Build(shapes);

        var (broker, oracle) = await VerifyBothAsync(chain, VerificationProfile.Strict, x509Strict: true);

        Assert.True(
            oracle.Code == (int)testCase.Exercises && (oracle.Code == 0 || oracle.Depth == testCase.Depth),
            $"the row does not exercise {(int)testCase.Exercises} at depth {testCase.Depth}; openssl -x509_strict says {oracle.Code} at depth {oracle.Depth}\n{oracle.Output}");
        AssertAgree(broker, oracle);
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Verify_WebPkiProfile_AgreesWithOpenSslOrDocumentedStricterRule(string row)
    {
        var testCase = StrictProfileRows.Get(row);
        var chain = testCase.Build(shapes);

        var (broker, oracle) = await VerifyBothAsync(chain, VerificationProfile.WebPki, x509Strict: false);

        if (testCase.WebPkiStricter is { } ours)
        {
            Assert.Equal(ours, broker.Code);
            Assert.NotEqual((int)ours, oracle.Code);
            return;
        }

        AssertAgree(broker, oracle);
    }

    /// <summary>A success under webpki is cached; the same chain under a strict policy sharing the cache is verified again, and fails.</summary>
    [Fact]
    public void Verify_WebPkiSuccessCached_NotReusedUnderStrict()
    {
        var chain = StrictProfileRows.Get("leaf without authorityKeyIdentifier").Build(shapes);
        var anchors = TrustAnchors.FromCertificates([chain.Root.Certificate], "strict-cache");
        var cache = new VerifiedChainCache(16, TimeSpan.FromMinutes(5));
        var webPki = new CertificateVerifier(anchors, cache, requirements: ChainRequirements.Default);
        var strict = new CertificateVerifier(anchors, cache, requirements: ChainRequirements.Default with { Profile = VerificationProfile.Strict });
        Assert.True(ServerIdentity.TryParse(PathShapes.HostName, out var identity, out var error), error);
        var now = DateTimeOffset.UtcNow;

        var first = webPki.Verify(chain.SentDer, identity!, now);
        var second = webPki.Verify(chain.SentDer, identity!, now);
        var underStrict = strict.Verify(chain.SentDer, identity!, now);

        Assert.Equal((X509VerifyCode.Ok, X509VerifyCode.Ok), (first.Code, second.Code));
        Assert.Equal(X509VerifyCode.MissingAuthorityKeyIdentifier, underStrict.Code);
        Assert.Equal((1L, 2L), (cache.Hits, cache.Misses));
    }

    public void Dispose() => shapes.Dispose();

    private async Task<(VerifyOutcome Broker, OpenSslVerdict Oracle)> VerifyBothAsync(StrictChain chain, VerificationProfile profile, bool x509Strict)
    {
        var verifier = new CertificateVerifier(
            TrustAnchors.FromCertificates([chain.Root.Certificate], "strict-profile"),
            requirements: ChainRequirements.Default with { Profile = profile });
        Assert.True(ServerIdentity.TryParse(PathShapes.HostName, out var identity, out var error), error);
        var now = DateTimeOffset.UtcNow;

        var broker = await Task.Run(() => verifier.Verify(chain.SentDer, identity!, now)).WaitAsync(TestTimeouts.Step);
        var oracle = await OpenSslVerify.RunAsync(chain.Leaf, [chain.Root], [chain.Intermediate], hostName: PathShapes.HostName, at: now, x509Strict: x509Strict);

        output.WriteLine($"broker ({profile}): {(int)broker.Code} {broker.OpenSslName} at depth {broker.Depth}: {broker.Reason}");
        output.WriteLine($"openssl{(x509Strict ? " -x509_strict" : string.Empty)}: {oracle.Code} at depth {oracle.Depth}: {oracle.Text}");
        return (broker, oracle);
    }

    private static void AssertAgree(VerifyOutcome broker, OpenSslVerdict oracle)
    {
        Assert.True(
            oracle.Code == (int)broker.Code && oracle.Depth == broker.Depth,
            $"broker: {(int)broker.Code} at depth {broker.Depth} ({broker.Reason}); openssl: {oracle.Code} at depth {oracle.Depth}\n{oracle.Output}");
        if (!broker.IsOk)
        {
            Assert.StartsWith(oracle.Text, broker.Reason, StringComparison.Ordinal);
        }
    }
}
