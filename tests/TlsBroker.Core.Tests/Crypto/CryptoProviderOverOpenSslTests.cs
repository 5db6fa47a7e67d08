using System.Text;
using TlsBroker.Core.Crypto;
using TlsBroker.Core.Engine;
using TlsBroker.Core.Policy;
using TlsBroker.Core.Results;
using TlsBroker.Core.Tests.Engine;
using TlsBroker.Testing.Peers;

namespace TlsBroker.Core.Tests.Crypto;

/// <summary>Both crypto providers against the same <c>openssl s_server</c>: the same negotiated parameters, a verified chain, and data both ways.</summary>
[Trait("Category", "Functional")]
public sealed class CryptoProviderOverOpenSslTests(RealPeerFixture fixture) : IClassFixture<RealPeerFixture>
{
    private static readonly SessionStart Localhost = new("localhost", []);

    public static TheoryData<string, string, string, string> Cases() => new()
    {
        { "ecdsa", "-tls1_3", "TLS_AES_128_GCM_SHA256", "P-256" },
        { "ecdsa", "-tls1_3", "TLS_CHACHA20_POLY1305_SHA256", "X25519" },
        { "ecdsa", "-tls1_2", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "P-384" },
        { "ecdsa", "-tls1_2", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "P-256" },
        { "rsa", "-tls1_3", "TLS_AES_256_GCM_SHA384", "P-384" },
        { "rsa", "-tls1_2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "P-256" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Handshake_EachProvider_SameNegotiatedParameters(string chainName, string versionFlag, string suite, string serverGroup)
    {
        var chain = chainName == "ecdsa" ? fixture.Ecdsa : fixture.Rsa;
        var policy = TlsPolicy.Create("providers", new TlsPolicyOptions { TrustAnchors = chain.RootPath, CipherSuites = [suite] });
        await using var server = await OpenSslServer.StartAsync(chain, versionFlag, "-groups", serverGroup, "-rev");

        var dotNet = await HandshakeAndEchoAsync(policy, TlsCryptoProvider.DotNet, server);
        var bouncyCastle = await HandshakeAndEchoAsync(policy, TlsCryptoProvider.BouncyCastle, server);

        Assert.Equal(suite, dotNet.CipherSuite);
        Assert.Equal(
            (bouncyCastle.ProtocolVersion, bouncyCastle.CipherSuite, bouncyCastle.Group, bouncyCastle.Alpn),
            (dotNet.ProtocolVersion, dotNet.CipherSuite, dotNet.Group, dotNet.Alpn));
        Assert.Equal(bouncyCastle.PeerCertificates, dotNet.PeerCertificates);
    }

    private static async Task<HandshakeSummary> HandshakeAndEchoAsync(TlsPolicy policy, TlsCryptoProvider provider, OpenSslServer server)
    {
        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(policy, TimeProvider.System, provider), server.Port);
        var result = await pump.HandshakeAsync(Localhost);
        Assert.True(result.Ret == 1, $"{provider}: {result.Error} {result.Reason}\n{server.Output}");
        Assert.True(result.Verify.IsOk);

        var line = new string('x', 1000) + provider;
        var write = await pump.WriteAsync(Encoding.ASCII.GetBytes(line + "\n"));
        Assert.Equal(line.Length + 1, write.Ret);
        var read = await pump.ReadAtLeastAsync(line.Length + 1);
        Assert.True(read.Ret > 0, $"{provider} read: {read.Ret} {read.Error} {read.Reason}");
        Assert.Equal(new string(line.Reverse().ToArray()), Encoding.ASCII.GetString(pump.Received.ToArray(), 0, line.Length));
        return result.Established!;
    }
}
