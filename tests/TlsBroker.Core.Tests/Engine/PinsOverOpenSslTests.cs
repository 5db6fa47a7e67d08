using System.Security.Cryptography.X509Certificates;
using TlsBroker.Core.Engine;
using TlsBroker.Core.Policy;
using TlsBroker.Core.Results;
using TlsBroker.Core.Verification;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Core.Tests.Engine;

/// <summary>
/// A policy's pin-sha256 pins against <c>openssl s_server</c> serving leaf and intermediate of a chain whose
/// root the policy trusts: any certificate of the verified path, the anchor included, may carry the pinned key.
/// </summary>
[Trait("Category", "Functional")]
public sealed class PinsOverOpenSslTests(RealPeerFixture fixture) : IClassFixture<RealPeerFixture>
{
    private static readonly SessionStart Localhost = new("localhost", []);

    public static TheoryData<string, string> PathPositions()
    {
        var data = new TheoryData<string, string>();
        foreach (var version in new[] { "-tls1_2", "-tls1_3" })
        {
            data.Add("leaf", version);
            data.Add("intermediate", version);
            data.Add("root", version);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PathPositions))]
    public async Task Handshake_PinOfACertificateOfThePath_Establishes(string position, string version)
    {
        var pinned = position switch
        {
            "leaf" => fixture.Ecdsa.Leaf.Certificate,
            "intermediate" => fixture.Ecdsa.Intermediate.Certificate,
            _ => fixture.Ecdsa.Root.Certificate,
        };
        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa, version);

        var result = await HandshakeAsync(PinnedPolicy(Unrelated(), ServerPins.PinOf(pinned)), server.Port, Localhost);

        Assert.True(result.Ret == 1, $"{result.Error} {result.Reason} {result.Verify.Reason}\n{server.Output}");
    }

    [Theory]
    [InlineData("-tls1_2")]
    [InlineData("-tls1_3")]
    public async Task Handshake_NoCertificateOfThePathPinned_FailsWithDaneNoMatchAndBadCertificate(string version)
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa, version);

        var result = await HandshakeAsync(PinnedPolicy(Unrelated()), server.Port, Localhost);

        Assert.Equal((-1, SslError.Ssl, X509VerifyCode.DaneNoMatch), (result.Ret, result.Error, result.Verify.Code));
        Assert.Equal("X509_V_ERR_DANE_NO_MATCH", result.Verify.OpenSslName);
        Assert.Contains("pinned by the policy", result.Verify.Reason, StringComparison.Ordinal);
        Assert.Equal(new TlsAlert(42, "bad_certificate", Fatal: true, Sent: true), result.Alert);
        Assert.Equal(OpenSslReasons.CertificateVerifyFailed, result.Reason);
        await server.WaitForOutputAsync("SSL alert number 42");
    }

    /// <summary>A verification the cache holds passed the pins of the same verifier; one that failed them is not cached at all.</summary>
    [Fact]
    public async Task Handshake_SecondSession_CacheHitOnlyForAPinnedPath()
    {
        var pinned = PinnedPolicy(ServerPins.PinOf(fixture.Ecdsa.Root.Certificate));
        var unpinned = PinnedPolicy(Unrelated());
        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa, "-tls1_3");

        StepResult[] results =
        [
            await HandshakeAsync(pinned, server.Port, Localhost),
            await HandshakeAsync(pinned, server.Port, Localhost),
            await HandshakeAsync(unpinned, server.Port, Localhost),
            await HandshakeAsync(unpinned, server.Port, Localhost),
        ];

        Assert.Equal([1, 1, -1, -1], results.Select(r => r.Ret));
        Assert.Equal(X509VerifyCode.DaneNoMatch, results[3].Verify.Code);
        Assert.Equal((1L, 1L), (pinned.Verifier.Cache!.Misses, pinned.Verifier.Cache.Hits));
        Assert.Equal((0, 0L), (unpinned.Verifier.Cache!.Count, unpinned.Verifier.Cache.Hits));
    }

    /// <summary>
    /// A resumed handshake carries no certificates: the pins are checked on the chain the state was made with.
    /// A state whose chain the policy's pins reject is not offered; the full handshake then fails on the pins.
    /// </summary>
    [Theory]
    [InlineData("-tls1_2", true)]
    [InlineData("-tls1_2", false)]
    [InlineData("-tls1_3", true)]
    [InlineData("-tls1_3", false)]
    public async Task Start_ResumptionUnderPins_ResumesOnlyAChainThePinsHold(string version, bool pinMatches)
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa, version);
        var (_, state) = await fixture.ResumableHandshakeAsync(server.Port, Localhost);
        Assert.NotNull(state);
        var policy = PinnedPolicy(pinMatches ? ServerPins.PinOf(fixture.Ecdsa.Intermediate.Certificate) : Unrelated());

        var result = await HandshakeAsync(policy, server.Port, Localhost with { Resumption = state });

        if (pinMatches)
        {
            Assert.True(result.Established?.Resumed, $"{result.Error} {result.Reason}\n{server.Output}");
            await server.WaitForReusedSessionsAsync(1);
        }
        else
        {
            Assert.Equal((-1, X509VerifyCode.DaneNoMatch), (result.Ret, result.Verify.Code));
            Assert.Equal(0, server.ReusedSessions);
        }
    }

    private static async Task<StepResult> HandshakeAsync(TlsPolicy policy, int port, SessionStart start)
    {
        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(policy, TimeProvider.System), port);
        return await pump.HandshakeAsync(start);
    }

    /// <summary>The pin of a key no certificate of the chain has.</summary>
    private static string Unrelated()
    {
        using var other = TestPki.Issue(CertificateSpec.Root("TlsBroker Test Unrelated Root"));
        return ServerPins.PinOf(other.Certificate);
    }

    private TlsPolicy PinnedPolicy(params string[] pins) =>
        TlsPolicy.Create("pinned", new TlsPolicyOptions { TrustAnchors = fixture.Ecdsa.RootPath, Pins = [.. pins] });
}
