using System.Text;
using TlsBroker.Core.Engine;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;

namespace TlsBroker.Core.Tests.Engine;

/// <summary>The session over TCP against a real <c>gnutls-serv --echo</c>.</summary>
[Trait("Category", "Functional")]
public sealed class GnuTlsPeerTests(RealPeerFixture fixture) : IClassFixture<RealPeerFixture>
{
    [Theory]
    [InlineData("NORMAL:-VERS-ALL:+VERS-TLS1.3", "TLSv1.3", 0)]
    [InlineData("NORMAL:-VERS-ALL:+VERS-TLS1.2", "TLSv1.2", 0)]
    [InlineData("NORMAL:-VERS-ALL:+VERS-TLS1.3", "TLSv1.3", 1)]
    [InlineData("NORMAL:-VERS-ALL:+VERS-TLS1.2", "TLSv1.2", 1)]
    public async Task Handshake_GnuTlsServer_EstablishesAndEchoes(string priority, string version, int fragmentSize)
    {
        await using var server = await GnuTlsServer.StartAsync(fixture.Ecdsa, priority);
        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(RealPeerFixture.PolicyFor(fixture.Ecdsa), TimeProvider.System), server.Port, fragmentSize);

        var result = await pump.HandshakeAsync(new SessionStart("localhost", []));
        Assert.True(result.Ret == 1, $"{result.Error} {result.Alert} {result.Reason}\n{server.Output}");
        var before = (int)pump.Received.Length;
        var write = await pump.WriteAsync("echo through gnutls\n"u8.ToArray());
        var read = await pump.ReadAtLeastAsync(before + write.Ret);

        Assert.Equal(version, result.Established!.ProtocolVersion);
        Assert.Equal([fixture.Ecdsa.Leaf.Der, fixture.Ecdsa.Intermediate.Der], result.Established.PeerCertificates);
        Assert.True(read.Ret > 0, $"{read.Error} {read.Reason}");
        Assert.Equal("echo through gnutls\n", Encoding.ASCII.GetString(pump.Received.ToArray(), before, write.Ret));
    }
}
