using TlsBroker.Core.Engine;
using TlsBroker.Core.Policy;
using TlsBroker.Core.Results;
using TlsBroker.Core.Verification;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;
using Xunit.Abstractions;

namespace TlsBroker.Core.Tests.Verification;

/// <summary>
/// RFC 4158 path building on real-world chain shapes, with <c>openssl verify</c> (the server's
/// certificates as -untrusted) as the oracle. Where the broker deliberately finds a path OpenSSL 3
/// does not, or reports the path that got further, the test says so in its name and checks that
/// OpenSSL indeed answers otherwise.
/// </summary>
[Trait("Category", "Functional")]
public sealed class PathBuildingTests(ITestOutputHelper output) : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private readonly PathShapes shapes = new();

    [Fact]
    public async Task Verify_CrossSignedTrustedIntermediateSentFirst_OkAsOpenSsl()
    {
        var cross = CrossSigned();

        var (broker, oracle) = await VerifyBothAsync(cross.Leaf, [cross.ViaTrusted, cross.ViaUntrusted, cross.UntrustedRoot], [cross.TrustedRoot]);

        AssertAgree(broker, oracle);
        Assert.True(broker.IsOk, broker.Reason);
    }

    [Fact]
    public async Task Verify_CrossSignedUntrustedIntermediateSentFirst_BrokerBacktracksWhereOpenSslFails()
    {
        var cross = CrossSigned();

        var (broker, oracle) = await VerifyBothAsync(cross.Leaf, [cross.ViaUntrusted, cross.UntrustedRoot, cross.ViaTrusted], [cross.TrustedRoot]);

        Assert.True(broker.IsOk, broker.Reason);
        Assert.Equal((int)X509VerifyCode.SelfSignedCertInChain, oracle.Code);
    }

    /// <summary>The same cross-signed shape through a real handshake: s_server sends the untrusted path first.</summary>
    [Theory]
    [InlineData("-tls1_3")]
    [InlineData("-tls1_2")]
    public async Task Handshake_CrossSignedChainUntrustedPathFirstFromOpenSslServer_Established(string version)
    {
        var cross = CrossSigned();
        TestCertificate[] sentAfterLeaf = [cross.ViaUntrusted, cross.UntrustedRoot, cross.ViaTrusted];
        using var chain = new ChainUnderTest(cross.Leaf, sentAfterLeaf, [cross.TrustedRoot], PathShapes.HostName, []);
        using var files = ServedChain.Write(chain);
        var policy = TlsPolicy.Create("path-building-e2e", new TlsPolicyOptions { TrustAnchors = files.AnchorsPath });
        await using var server = await OpenSslServer.StartAsync(files.CertificatePath, files.KeyPath, [.. files.ChainArguments, version]);

        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(policy, TimeProvider.System), server.Port);
        var result = await pump.HandshakeAsync(new SessionStart(PathShapes.HostName, []));

        Assert.True(result.Ret == 1, $"{result.Verify.OpenSslName}: {result.Verify.Reason}");
        Assert.Equal(X509VerifyCode.Ok, result.Verify.Code);
        Assert.Equal([cross.Leaf.Der, .. sentAfterLeaf.Select(c => c.Der)], result.Established!.PeerCertificates);
    }

    [Fact]
    public async Task Verify_CrossSignedOnlyUntrustedPathSent_FailsAsOpenSsl()
    {
        var cross = CrossSigned();

        var (broker, oracle) = await VerifyBothAsync(cross.Leaf, [cross.ViaUntrusted, cross.UntrustedRoot], [cross.TrustedRoot]);

        AssertAgree(broker, oracle);
        Assert.Equal(X509VerifyCode.SelfSignedCertInChain, broker.Code);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Verify_ExpiredAndValidIntermediateSameSubjectAndKey_ValidOneChosenInAnyOrder(bool expiredSentFirst)
    {
        var root = shapes.Issue(CertificateSpec.Root("Twin Root"));
        var valid = shapes.Issue(CertificateSpec.Intermediate("Twin Intermediate"), root);
        var expired = shapes.Twin(valid, "Twin Intermediate", root, s => s with { NotBefore = Now.AddDays(-60), NotAfter = Now.AddDays(-1) });
        var leaf = shapes.Issue(PathShapes.ServerSpec, valid);

        var (broker, oracle) = await VerifyBothAsync(leaf, expiredSentFirst ? [expired, valid] : [valid, expired], [root]);

        AssertAgree(broker, oracle);
        Assert.True(broker.IsOk, broker.Reason);
    }

    [Fact]
    public async Task Verify_UnrelatedExtraCertificatesSent_OkAsOpenSsl()
    {
        var root = shapes.Issue(CertificateSpec.Root("Extra Root"));
        var intermediate = shapes.Issue(CertificateSpec.Intermediate("Extra Intermediate"), root);
        var leaf = shapes.Issue(PathShapes.ServerSpec, intermediate);
        var strangerRoot = shapes.Issue(CertificateSpec.Root("Stranger Root"));
        var stranger = shapes.Issue(CertificateSpec.Server("stranger.example.test"), strangerRoot);

        var (broker, oracle) = await VerifyBothAsync(leaf, [stranger, strangerRoot, intermediate], [root]);

        AssertAgree(broker, oracle);
        Assert.True(broker.IsOk, broker.Reason);
    }

    /// <summary>
    /// Impostors have the issuer's subject and subjectKeyIdentifier but another key. OpenSSL 3's
    /// find_issuer takes the first time-valid one and fails its signature; the broker tries the next.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(40)]
    public async Task Verify_ImpostorsWithSameSubjectAndKeyIdentifierSentFirst_BrokerFindsSignerWhereOpenSslFails(int impostors)
    {
        var root = shapes.Issue(CertificateSpec.Root("Impostor Root"));
        var real = shapes.Issue(CertificateSpec.Intermediate("Impostor Intermediate"), root);
        var leaf = shapes.Issue(PathShapes.ServerSpec, real);
        var sent = Impostors(real, root, impostors).Append(real).ToList();

        var (broker, oracle) = await VerifyBothAsync(leaf, sent, [root]);

        Assert.True(broker.IsOk, broker.Reason);
        Assert.Equal((int)X509VerifyCode.CertSignatureFailure, oracle.Code);
    }

    /// <summary>
    /// RFC 5280 §4.2.1.1: the key identifier helps find the issuer; the signature decides. OpenSSL (with or
    /// without -x509_strict) links no issuer whose subjectKeyIdentifier differs from the authorityKeyIdentifier
    /// (check_issued), and .NET's X509Chain neither; under webpki the broker verifies the link's signature
    /// itself and accepts, deliberately where OpenSSL fails.
    /// </summary>
    [Fact]
    public async Task Verify_AuthorityKeyIdentifierMatchesNoIssuerUnderWebPki_SignatureDecidesWhereOpenSslFails()
    {
        var root = shapes.Issue(CertificateSpec.Root("Key Id Root"));
        var intermediate = shapes.Issue(CertificateSpec.Intermediate("Key Id Intermediate"), root);
        var leaf = shapes.Issue(PathShapes.ServerSpec with { AuthorityKeyIdentifier = PathShapes.UnrelatedKeyIdentifier() }, intermediate);

        var (broker, oracle) = await VerifyBothAsync(leaf, [intermediate], [root], x509Strict: false);

        Assert.True(broker.IsOk, broker.Reason);
        Assert.Equal((int)X509VerifyCode.UnableToGetIssuerCertLocally, oracle.Code);
    }

    /// <summary>The strict profile keeps OpenSSL's rule: the mismatching key identifier refuses the link.</summary>
    [Fact]
    public async Task Verify_AuthorityKeyIdentifierMatchesNoIssuerUnderStrict_FailsAsOpenSsl()
    {
        var root = shapes.Issue(CertificateSpec.Root("Key Id Root"));
        var intermediate = shapes.Issue(CertificateSpec.Intermediate("Key Id Intermediate"), root);
        var leaf = shapes.Issue(PathShapes.ServerSpec with { AuthorityKeyIdentifier = PathShapes.UnrelatedKeyIdentifier() }, intermediate);

        var (broker, oracle) = await VerifyBothAsync(leaf, [intermediate], [root], VerificationProfile.Strict);

        AssertAgree(broker, oracle);
        Assert.Equal(X509VerifyCode.UnableToGetIssuerCertLocally, broker.Code);
    }

    /// <summary>
    /// A mismatching key identifier guides nothing, and the signature still decides: a leaf signed by another key
    /// of the same issuer name is refused under webpki as well, as OpenSSL refuses it.
    /// </summary>
    [Fact]
    public async Task Verify_AuthorityKeyIdentifierMatchesNoIssuerAndSignatureFails_FailsAsOpenSsl()
    {
        var root = shapes.Issue(CertificateSpec.Root("Key Id Root"));
        var intermediate = shapes.Issue(CertificateSpec.Intermediate("Key Id Intermediate"), root);
        var otherKey = shapes.Issue(CertificateSpec.Intermediate("Key Id Intermediate"), root);
        var leaf = shapes.Issue(PathShapes.ServerSpec with { AuthorityKeyIdentifier = PathShapes.UnrelatedKeyIdentifier() }, otherKey);

        var (broker, oracle) = await VerifyBothAsync(leaf, [intermediate], [root], x509Strict: false);

        AssertAgree(broker, oracle);
        Assert.Equal(X509VerifyCode.UnableToGetIssuerCertLocally, broker.Code);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(20)]
    public async Task Verify_IssuerLoop_EndsWithOpenSslCode(int length)
    {
        var anchor = shapes.Issue(CertificateSpec.Root("Loop Unrelated Anchor"));
        var loop = shapes.Loop(length);
        var leaf = shapes.Issue(PathShapes.ServerSpec, loop[0]);

        var (broker, oracle) = await VerifyBothAsync(leaf, loop, [anchor]);

        AssertAgree(broker, oracle);
        Assert.Equal(X509VerifyCode.UnableToGetIssuerCertLocally, broker.Code);
        Assert.Equal(length, broker.Depth);
    }

    /// <summary>
    /// OpenSSL's default verify depth (X509_VERIFY_PARAM_set_depth(3): 100) bounds the path: one more
    /// intermediate than it allows gives X509_V_ERR_CERT_CHAIN_TOO_LONG, as in OpenSSL.
    /// </summary>
    [Theory]
    [InlineData(100)]
    [InlineData(101)]
    public async Task Verify_LongChain_DepthLimitAsOpenSsl(int intermediates)
    {
        var root = shapes.Issue(CertificateSpec.Root("Long Chain Root"));
        var chain = new List<TestCertificate>();
        var issuer = root;
        for (var i = 0; i < intermediates; i++)
        {
            issuer = shapes.Issue(CertificateSpec.Root($"Long Chain CA {i}"), issuer);
            chain.Insert(0, issuer);
        }

        var leaf = shapes.Issue(PathShapes.ServerSpec, issuer);

        var (broker, oracle) = await VerifyBothAsync(leaf, chain, [root]);

        AssertAgree(broker, oracle);
    }

    /// <summary>
    /// 300 certificates claim to issue the leaf (its issuer's subject and key identifier, signed by the
    /// trusted root) and none holds its key: the search stops at its budget, within the test's step
    /// timeout, with the code OpenSSL gives the same chain and a reason naming the budget.
    /// </summary>
    [Fact]
    public async Task Verify_HundredsOfCandidateIssuers_EndsAtBudgetWithOpenSslCode()
    {
        var root = shapes.Issue(CertificateSpec.Root("Crowd Root"));
        var real = shapes.Issue(CertificateSpec.Intermediate("Crowd Intermediate"), root);
        var leaf = shapes.Issue(PathShapes.ServerSpec, real);
        var impostors = Impostors(real, root, 300).ToList();

        var (broker, oracle) = await VerifyBothAsync(leaf, impostors, [root]);

        AssertAgree(broker, oracle);
        Assert.Equal(X509VerifyCode.CertSignatureFailure, broker.Code);
        Assert.Contains($"path building stopped at its budget after {PathBudget.MaxCandidatePaths} candidate path(s)", broker.Reason, StringComparison.Ordinal);
    }

    /// <summary>
    /// Two paths fail: one through a valid intermediate to an untrusted root, one through its expired
    /// twin to the trust anchor. OpenSSL 3 prefers the time-valid intermediate and reports the untrusted
    /// root; the broker reports the path that got further (it reached an anchor): the expired intermediate.
    /// </summary>
    [Fact]
    public async Task Verify_NoPathVerifies_BrokerReportsFurthestPathWhereOpenSslReportsFirst()
    {
        var trustedRoot = shapes.Issue(CertificateSpec.Root("Furthest Trusted Root"));
        var untrustedRoot = shapes.Issue(CertificateSpec.Root("Furthest Untrusted Root"));
        var valid = shapes.Issue(CertificateSpec.Intermediate("Furthest Intermediate"), untrustedRoot);
        var expired = shapes.Twin(valid, "Furthest Intermediate", trustedRoot, s => s with { NotBefore = Now.AddDays(-60), NotAfter = Now.AddDays(-1) });
        var leaf = shapes.Issue(PathShapes.ServerSpec, valid);

        var (broker, oracle) = await VerifyBothAsync(leaf, [valid, untrustedRoot, expired], [trustedRoot]);

        Assert.Equal((X509VerifyCode.CertHasExpired, 1), (broker.Code, broker.Depth));
        Assert.Equal((int)X509VerifyCode.SelfSignedCertInChain, oracle.Code);
    }

    public void Dispose() => shapes.Dispose();

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

    private CrossSignedShape CrossSigned()
    {
        var trustedRoot = shapes.Issue(CertificateSpec.Root("Cross Trusted Root"));
        var untrustedRoot = shapes.Issue(CertificateSpec.Root("Cross Untrusted Root"));
        var viaTrusted = shapes.Issue(CertificateSpec.Intermediate("Cross Intermediate"), trustedRoot);
        var viaUntrusted = shapes.Twin(viaTrusted, "Cross Intermediate", untrustedRoot);
        var leaf = shapes.Issue(PathShapes.ServerSpec, viaUntrusted);
        return new CrossSignedShape(trustedRoot, untrustedRoot, viaTrusted, viaUntrusted, leaf);
    }

    private IEnumerable<TestCertificate> Impostors(TestCertificate real, TestCertificate root, int count)
    {
        var keyIdentifier = new System.Security.Cryptography.X509Certificates.X509SubjectKeyIdentifierExtension(
            real.Certificate.Extensions["2.5.29.14"]!, critical: false).SubjectKeyIdentifierBytes.ToArray();
        for (var i = 0; i < count; i++)
        {
            yield return shapes.Issue(CertificateSpec.Intermediate(real.Certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false)) with
            {
                SubjectKeyIdentifier = keyIdentifier,
            }, root);
        }
    }

    private async Task<(VerifyOutcome Broker, OpenSslVerdict Oracle)> VerifyBothAsync(
        TestCertificate leaf,
        IReadOnlyList<TestCertificate> sentAfterLeaf,
        IReadOnlyList<TestCertificate> anchors,
        VerificationProfile profile = VerificationProfile.WebPki,
        bool x509Strict = true)
    {
        var verifier = new CertificateVerifier(
            TrustAnchors.FromCertificates(anchors.Select(a => a.Certificate), "path-building"),
            requirements: ChainRequirements.Default with { Profile = profile });
        Assert.True(ServerIdentity.TryParse(PathShapes.HostName, out var identity, out var error), error);
        IReadOnlyList<byte[]> sent = [leaf.Der, .. sentAfterLeaf.Select(c => c.Der)];

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var broker = await Task.Run(() => verifier.Verify(sent, identity!, Now)).WaitAsync(TestTimeouts.Step);
        output.WriteLine($"broker verified in {watch.Elapsed.TotalMilliseconds:F1} ms");
        var oracle = await OpenSslVerify.RunAsync(leaf, anchors, sentAfterLeaf, hostName: PathShapes.HostName, at: Now, x509Strict: x509Strict);

        output.WriteLine($"broker: {(int)broker.Code} {broker.OpenSslName} at depth {broker.Depth}: {broker.Reason}");
        output.WriteLine($"openssl: {oracle.Code} at depth {oracle.Depth}: {oracle.Text}");
        return (broker, oracle);
    }

    private sealed record CrossSignedShape(
        TestCertificate TrustedRoot,
        TestCertificate UntrustedRoot,
        TestCertificate ViaTrusted,
        TestCertificate ViaUntrusted,
        TestCertificate Leaf);
}
