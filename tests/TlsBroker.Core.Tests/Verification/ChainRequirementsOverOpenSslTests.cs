using System.Security.Cryptography.X509Certificates;
using TlsBroker.Core.Results;
using TlsBroker.Core.Verification;
using TlsBroker.Testing;
using TlsBroker.Testing.Pki;
using Xunit.Abstractions;

namespace TlsBroker.Core.Tests.Verification;

/// <summary>
/// A policy's ExtendedKeyUsages and MaxDepth against <c>openssl verify -purpose sslserver|sslclient</c>
/// and <c>-verify_depth N</c> as the oracle: same number, same depth.
/// </summary>
[Trait("Category", "Functional")]
public sealed class ChainRequirementsOverOpenSslTests(ITestOutputHelper output) : IDisposable
{
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    private const string AnyExtendedKeyUsage = "2.5.29.37.0";

    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private readonly PathShapes shapes = new();

    /// <summary>
    /// Rows: the leaf's extendedKeyUsage ("-" for none), its keyUsage, the intermediate's extendedKeyUsage
    /// ("-" for none), and the one usage the policy requires (serverAuth or clientAuth).
    /// </summary>
    [Theory]
    [InlineData(ServerAuth, X509KeyUsageFlags.DigitalSignature, "-", "clientAuth")]
    [InlineData(ClientAuth, X509KeyUsageFlags.DigitalSignature, "-", "clientAuth")]
    [InlineData(ServerAuth + "," + ClientAuth, X509KeyUsageFlags.DigitalSignature, "-", "clientAuth")]
    [InlineData("-", X509KeyUsageFlags.DigitalSignature, "-", "clientAuth")]
    [InlineData(AnyExtendedKeyUsage, X509KeyUsageFlags.DigitalSignature, "-", "clientAuth")]
    [InlineData(ClientAuth, X509KeyUsageFlags.KeyEncipherment, "-", "clientAuth")]
    [InlineData(ClientAuth, X509KeyUsageFlags.DigitalSignature, ServerAuth, "clientAuth")]
    [InlineData(ClientAuth, X509KeyUsageFlags.DigitalSignature, ClientAuth, "clientAuth")]
    [InlineData(ClientAuth, X509KeyUsageFlags.DigitalSignature, "-", "serverAuth")]
    [InlineData(ServerAuth, X509KeyUsageFlags.KeyEncipherment, "-", "serverAuth")]
    [InlineData(ServerAuth, X509KeyUsageFlags.DigitalSignature, ClientAuth, "serverAuth")]
    public async Task Verify_RequiredExtendedKeyUsage_SameVerdictAsOpenSslPurpose(string leafUsages, X509KeyUsageFlags leafKeyUsage, string intermediateUsages, string required)
    {
        var root = shapes.Issue(CertificateSpec.Root("Purpose Root"));
        var intermediate = shapes.Issue(CertificateSpec.Intermediate("Purpose Intermediate") with { ExtendedKeyUsages = Usages(intermediateUsages) }, root);
        var leaf = shapes.Issue(PathShapes.ServerSpec with { ExtendedKeyUsages = Usages(leafUsages), KeyUsage = leafKeyUsage }, intermediate);
        var requirements = Requirements([required], ChainRequirements.DefaultMaxDepth);

        var broker = await VerifyAsync(requirements, leaf, [intermediate], root);
        var oracle = await OpenSslVerify.RunAsync(
            leaf, [root], [intermediate], hostName: PathShapes.HostName, at: Now, purpose: required == "clientAuth" ? "sslclient" : "sslserver");

        AssertAgree(broker, oracle);
        Assert.Contains(broker.Code, new[] { X509VerifyCode.Ok, X509VerifyCode.InvalidPurpose });
    }

    /// <summary>
    /// The depth rule of X509_VERIFY_PARAM_set_depth(3): at most MaxDepth intermediates; one more gives
    /// X509_V_ERR_CERT_CHAIN_TOO_LONG at the depth of the first certificate past the limit.
    /// </summary>
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 1)]
    [InlineData(3, 2)]
    [InlineData(3, 3)]
    [InlineData(2, 5)]
    public async Task Verify_MaxDepth_SameVerdictAsOpenSslVerifyDepth(int intermediates, int maxDepth)
    {
        var root = shapes.Issue(CertificateSpec.Root("Depth Root"));
        var sent = new List<TestCertificate>();
        var issuer = root;
        for (var i = 0; i < intermediates; i++)
        {
            issuer = shapes.Issue(CertificateSpec.Root($"Depth CA {i}"), issuer);
            sent.Insert(0, issuer);
        }

        var leaf = shapes.Issue(PathShapes.ServerSpec, issuer);

        var broker = await VerifyAsync(Requirements([], maxDepth), leaf, sent, root);
        var oracle = await OpenSslVerify.RunAsync(leaf, [root], sent, hostName: PathShapes.HostName, at: Now, verifyDepth: maxDepth);

        AssertAgree(broker, oracle);
        Assert.Equal(intermediates > maxDepth ? X509VerifyCode.CertChainTooLong : X509VerifyCode.Ok, broker.Code);
    }

    public void Dispose() => shapes.Dispose();

    private static IReadOnlyList<string>? Usages(string csv) => csv == "-" ? null : csv.Split(',');

    private static ChainRequirements Requirements(IReadOnlyList<string> usages, int maxDepth)
    {
        var problems = new List<string>();
        var requirements = ChainRequirements.Parse(usages, maxDepth, problems);
        Assert.Empty(problems);
        return requirements!;
    }

    private async Task<VerifyOutcome> VerifyAsync(ChainRequirements requirements, TestCertificate leaf, IReadOnlyList<TestCertificate> sentAfterLeaf, TestCertificate root)
    {
        var verifier = new CertificateVerifier(TrustAnchors.FromCertificates([root.Certificate], "requirements"), requirements: requirements);
        Assert.True(ServerIdentity.TryParse(PathShapes.HostName, out var identity, out var error), error);
        IReadOnlyList<byte[]> sent = [leaf.Der, .. sentAfterLeaf.Select(c => c.Der)];
        var outcome = await Task.Run(() => verifier.Verify(sent, identity!, Now)).WaitAsync(TestTimeouts.Step);
        output.WriteLine($"broker: {(int)outcome.Code} {outcome.OpenSslName} at depth {outcome.Depth}: {outcome.Reason}");
        return outcome;
    }

    private void AssertAgree(VerifyOutcome broker, OpenSslVerdict oracle)
    {
        output.WriteLine($"openssl: {oracle.Code} at depth {oracle.Depth}: {oracle.Text}");
        Assert.True(
            oracle.Code == (int)broker.Code && oracle.Depth == broker.Depth,
            $"broker: {(int)broker.Code} at depth {broker.Depth} ({broker.Reason}); openssl: {oracle.Code} at depth {oracle.Depth}\n{oracle.Output}");
        if (!broker.IsOk)
        {
            Assert.StartsWith(oracle.Text, broker.Reason, StringComparison.Ordinal);
        }
    }
}
