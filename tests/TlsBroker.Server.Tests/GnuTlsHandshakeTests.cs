using System.Text;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing.Peers;

namespace TlsBroker.Server.Tests;

/// <summary>Handshakes and an echoed round trip through the broker against a real gnutls-serv on 127.0.0.1.</summary>
[Collection(SharedBrokerCollection.Name)]
[Trait("Category", "Functional")]
public sealed class GnuTlsHandshakeTests(BrokerFixture fixture)
{
    [Theory]
    [InlineData("NORMAL:-VERS-ALL:+VERS-TLS1.3", "TLSv1.3")]
    [InlineData("NORMAL:-VERS-ALL:+VERS-TLS1.2", "TLSv1.2")]
    public async Task Connect_GnuTlsEchoServer_EstablishedAndEchoes(string priority, string expectedVersion)
    {
        await using var server = await GnuTlsServer.StartAsync(fixture.EcdsaChain, priority);

        await using var client = await ForwardingClient.ConnectAsync(fixture.Broker.Client, server.Port, Requests.Start("localhost"));
        Assert.True(
            client.IsEstablished,
            $"handshake ended with ret {client.Handshake.Ret} {client.Handshake.Error}: {client.Handshake.Reason}\nserver said:\n{server.Output}");
        Assert.Equal(expectedVersion, client.Handshake.Established.ProtocolVersion);

        await client.WriteAsync("echo through the broker\n"u8.ToArray());
        var (plaintext, _) = await client.ReadAsync(received => received.Length >= "echo through the broker\n".Length);

        Assert.Equal("echo through the broker\n", Encoding.ASCII.GetString(plaintext));
    }
}
