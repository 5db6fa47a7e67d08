using TlsBroker.Core.Engine;
using TlsBroker.Core.Policy;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Core.Tests.Engine;

/// <summary>
/// Each suite and group of the default policy, offered alone to an <c>openssl s_server</c> that
/// accepts them all: the handshake must negotiate exactly it and report it by its IANA name.
/// </summary>
[Trait("Category", "Functional")]
public sealed class PolicyNegotiationTests(RealPeerFixture fixture) : IClassFixture<RealPeerFixture>
{
    public static TheoryData<string> DefaultSuites() => new(TlsParameterNames.DefaultCipherSuites);

    public static TheoryData<string, string> DefaultGroups()
    {
        var data = new TheoryData<string, string>();
        foreach (var group in TlsParameterNames.DefaultGroups)
        {
            data.Add(group, "-tls1_3");
            data.Add(group, "-tls1_2");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DefaultSuites))]
    public async Task Handshake_PolicyWithOneSuite_NegotiatesThatSuite(string suite)
    {
        var chain = suite.Contains("_RSA_", StringComparison.Ordinal) ? fixture.Rsa : fixture.Ecdsa;
        var policy = TlsPolicy.Create("one-suite", new TlsPolicyOptions { TrustAnchors = chain.RootPath, CipherSuites = [suite] });
        await using var server = await OpenSslServer.StartAsync(chain);

        var result = await HandshakeAsync(policy, server.Port);

        Assert.True(result.Ret == 1, $"{result.Error} {result.Alert} {result.Reason}\n{server.Output}");
        var expectedVersion = TlsParameterNames.Tls13CipherSuites.ContainsKey(suite) ? "TLSv1.3" : "TLSv1.2";
        Assert.Equal((expectedVersion, suite), (result.Established!.ProtocolVersion, result.Established.CipherSuite));
    }

    /// <summary>
    /// With an RSA certificate: in TLS 1.2 supported_groups also names the curves an ECDSA certificate
    /// may use (RFC 8422 §5.1.1), so a one-group policy would not reach an ECDSA P-256 server there (see below).
    /// </summary>
    [Theory]
    [MemberData(nameof(DefaultGroups))]
    public async Task Handshake_PolicyWithOneGroup_NegotiatesThatGroup(string group, string versionFlag)
    {
        var policy = TlsPolicy.Create("one-group", new TlsPolicyOptions { TrustAnchors = fixture.Rsa.RootPath, Groups = [group] });
        await using var server = await OpenSslServer.StartAsync(fixture.Rsa, versionFlag);

        var result = await HandshakeAsync(policy, server.Port);

        Assert.True(result.Ret == 1, $"{result.Error} {result.Alert} {result.Reason}\n{server.Output}");
        Assert.Equal(group, result.Established!.Group);
    }

    [Theory]
    [InlineData("-tls1_3")]
    [InlineData("-tls1_2")]
    public async Task Handshake_PolicyWithOnlyRsaPss_ReachesRsaServer(string versionFlag)
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Rsa, versionFlag);

        var result = await HandshakeAsync(PssOnly(fixture.Rsa), server.Port);

        Assert.True(result.Ret == 1, $"{result.Error} {result.Alert} {result.Reason}\n{server.Output}");
    }

    /// <summary>OpenSSL offering the same signature schemes (-sigalgs) is the oracle.</summary>
    [Theory]
    [InlineData("-tls1_3")]
    [InlineData("-tls1_2")]
    public async Task Handshake_PolicyWithOnlyRsaPss_FailsAgainstEcdsaServerAsOpenSslDoes(string versionFlag)
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa, versionFlag);
        var (openSslAlert, openSslReason) = OpenSslTool.ParseClientError(await OpenSslTool.ProbeWithClientAsync(server.Port, "-sigalgs", "rsa_pss_rsae_sha256"));

        var result = await HandshakeAsync(PssOnly(fixture.Ecdsa), server.Port);

        Assert.Equal((-1, openSslAlert, false), (result.Ret, result.Alert?.Description, result.Alert?.Sent));
        Assert.Equal(openSslReason, result.Reason);
    }

    /// <summary>OpenSSL with "-groups X25519" fails the same way against a TLS 1.2 server whose ECDSA key is on P-256.</summary>
    [Fact]
    public async Task Handshake_Tls12EcdsaCurveOutsideGroups_FailsAsOpenSslDoes()
    {
        var policy = TlsPolicy.Create("x25519-only", new TlsPolicyOptions { TrustAnchors = fixture.Ecdsa.RootPath, Groups = ["x25519"] });
        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa, "-tls1_2");
        var (openSslAlert, openSslReason) = OpenSslTool.ParseClientError(await OpenSslTool.ProbeWithClientAsync(server.Port, "-groups", "X25519"));

        var result = await HandshakeAsync(policy, server.Port);

        Assert.Equal((-1, openSslAlert, false), (result.Ret, result.Alert?.Description, result.Alert?.Sent));
        Assert.Equal(openSslReason, result.Reason);
    }

    private static TlsPolicy PssOnly(TestChain chain) =>
        TlsPolicy.Create("pss-only", new TlsPolicyOptions { TrustAnchors = chain.RootPath, SignatureSchemes = ["rsa_pss_rsae_sha256"] });

    private static async Task<Results.StepResult> HandshakeAsync(TlsPolicy policy, int port)
    {
        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(policy, TimeProvider.System), port);
        return await pump.HandshakeAsync(new SessionStart("localhost", []));
    }
}
