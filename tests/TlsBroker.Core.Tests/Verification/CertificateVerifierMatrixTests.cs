using TlsBroker.Core.Verification;
using TlsBroker.Testing.Pki;
using Xunit.Abstractions;

namespace TlsBroker.Core.Tests.Verification;

/// <summary>
/// Each row's chain is verified by the broker and by the real <c>openssl verify</c>; the numbers,
/// depths and texts must agree, except in rows where our rules are deliberately stricter.
/// </summary>
[Trait("Category", "Functional")]
public sealed class CertificateVerifierMatrixTests(VerificationPki pki, ITestOutputHelper output) : IClassFixture<VerificationPki>
{
    public static TheoryData<string> Rows => VerifyCases.Names;

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Verify_MatrixRow_AgreesWithOpenSslOrStricterRule(string row)
    {
        var testCase = VerifyCases.Get(row);
        using var chain = testCase.Build(new ChainFactory(pki));
        var now = DateTimeOffset.UtcNow;
        Assert.True(ServerIdentity.TryParse(chain.ServerName, out var identity, out var error), error);
        var verifier = new CertificateVerifier(TrustAnchors.FromCertificates(chain.Anchors.Select(a => a.Certificate), "matrix"));

        var outcome = verifier.Verify(chain.SentDer, identity!, now);

        // The oracle gets the name as ServerIdentity normalised it (no trailing dot), as the broker checks it.
        var oracle = await OpenSslVerify.RunAsync(
            chain.Leaf,
            chain.Anchors,
            chain.SentAfterLeaf,
            hostName: identity!.IsIpAddress ? null : identity.Name,
            ipAddress: identity.IpAddress,
            at: now);

        output.WriteLine($"broker: {(int)outcome.Code} {outcome.OpenSslName} at depth {outcome.Depth}: {outcome.Reason}");
        output.WriteLine($"openssl: {oracle.Code} at depth {oracle.Depth}: {oracle.Text}");
        Assert.Equal(testCase.ShouldFail, !outcome.IsOk);
        if (testCase.StricterThanOpenSsl is { } ours)
        {
            Assert.Equal(ours, outcome.Code);
            Assert.NotEqual((int)ours, oracle.Code);
            return;
        }

        Assert.True(
            oracle.Code == (int)outcome.Code && oracle.Depth == outcome.Depth,
            $"broker: {(int)outcome.Code} at depth {outcome.Depth} ({outcome.Reason}); openssl: {oracle.Code} at depth {oracle.Depth}\n{oracle.Output}");
        Assert.StartsWith(oracle.Text, outcome.Reason, StringComparison.Ordinal);
    }
}
