using TlsBroker.Core.Engine;
using TlsBroker.Core.Policy;
using TlsBroker.Core.Results;
using TlsBroker.Core.Verification;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Core.Tests.Verification;

/// <summary>
/// The engine against a real <c>openssl s_server</c> serving each bad chain of issue 3: the handshake
/// fails with SSL_ERROR_SSL, the verify number <c>openssl verify</c> gives the same chain, and the
/// alert OpenSSL's ssl_x509err2alert sends, which s_server reports having received.
/// </summary>
[Trait("Category", "Functional")]
public sealed class VerificationOverRealPeerTests(VerificationPki pki) : IClassFixture<VerificationPki>
{
    private static readonly string[] BadChains =
    [
        "expired leaf",
        "leaf not yet valid",
        "wrong host",
        "self-signed leaf",
        "unknown root sent in the chain",
        "unknown CA, root not sent",
        "missing intermediate",
        "intermediate with cA FALSE",
        "leaf without serverAuth extendedKeyUsage",
        "leaf with cA TRUE",
    ];

    public static TheoryData<string, string> Rows
    {
        get
        {
            var rows = new TheoryData<string, string>();
            foreach (var row in BadChains)
            {
                rows.Add(row, "-tls1_3");
                rows.Add(row, "-tls1_2");
            }

            return rows;
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Handshake_BadChainFromOpenSslServer_FailsWithVerifyNumberAndAlert(string row, string version)
    {
        var testCase = VerifyCases.Get(row);
        using var chain = testCase.Build(new ChainFactory(pki));
        using var files = ServedChain.Write(chain);
        var expected = testCase.StricterThanOpenSsl ?? await OracleAsync(chain);
        Assert.NotEqual(X509VerifyCode.Ok, expected);
        var policy = TlsPolicy.Create("verify-e2e", new TlsPolicyOptions { TrustAnchors = files.AnchorsPath });
        await using var server = await OpenSslServer.StartAsync(files.CertificatePath, files.KeyPath, [.. files.ChainArguments, version]);

        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(policy, TimeProvider.System), server.Port);
        var result = await pump.HandshakeAsync(new SessionStart(chain.ServerName, []));

        Assert.Equal(-1, result.Ret);
        Assert.Equal(SslError.Ssl, result.Error);
        Assert.Equal(expected, result.Verify.Code);
        var alert = Assert.IsType<TlsAlert>(result.Alert);
        Assert.True(alert.Sent);
        Assert.True(alert.Fatal);
        Assert.Equal(VerifyAlert.For(expected), alert.Description);
        await WaitForOutputAsync(server, $"SSL alert number {alert.Description}");
    }

    /// <summary>A valid chain establishes; the policy's verified-chain cache answers the second connection; a name the chain does not prove still fails.</summary>
    [Fact]
    public async Task Handshake_ValidChainTwiceThenOtherName_EstablishedSecondFromCacheOtherNameFails()
    {
        using var chain = VerifyCases.Get("valid chain, DNS name").Build(new ChainFactory(pki));
        using var files = ServedChain.Write(chain);
        var policy = TlsPolicy.Create("verify-e2e", new TlsPolicyOptions { TrustAnchors = files.AnchorsPath });
        await using var server = await OpenSslServer.StartAsync(files.CertificatePath, files.KeyPath, [.. files.ChainArguments]);
        var wrongHost = VerifyCases.Get("wrong host");

        var first = await ConnectAsync(chain.ServerName);
        var second = await ConnectAsync(chain.ServerName);
        var otherName = await ConnectAsync("other.example.test");

        Assert.Equal((1, 1), (first.Ret, second.Ret));
        Assert.Equal((X509VerifyCode.Ok, X509VerifyCode.Ok), (first.Verify.Code, second.Verify.Code));
        Assert.Null(first.Alert);
        Assert.Equal((1L, 2L), (policy.Verifier.Cache!.Hits, policy.Verifier.Cache.Misses));
        using var wrongHostChain = wrongHost.Build(new ChainFactory(pki));
        var expected = await OracleAsync(wrongHostChain);
        Assert.Equal((-1, SslError.Ssl, expected), (otherName.Ret, otherName.Error, otherName.Verify.Code));
        Assert.Equal(VerifyAlert.For(expected), otherName.Alert!.Description);

        async Task<StepResult> ConnectAsync(string serverName)
        {
            await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(policy, TimeProvider.System), server.Port);
            return await pump.HandshakeAsync(new SessionStart(serverName, []));
        }
    }

    private static async Task<X509VerifyCode> OracleAsync(ChainUnderTest chain)
    {
        Assert.True(ServerIdentity.TryParse(chain.ServerName, out var identity, out var error), error);
        var verdict = await OpenSslVerify.RunAsync(
            chain.Leaf,
            chain.Anchors,
            chain.SentAfterLeaf,
            hostName: identity!.IsIpAddress ? null : identity.Name,
            ipAddress: identity.IpAddress);
        return (X509VerifyCode)verdict.Code;
    }

    /// <summary>s_server prints the alert it received ("SSL alert number N") once it has read it.</summary>
    private static async Task WaitForOutputAsync(OpenSslServer server, string text)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Step;
        while (!server.Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"s_server never printed '{text}':\n{server.Output}");
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }
}
