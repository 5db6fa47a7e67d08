using System.Text;
using TlsBroker.Contracts.V1;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests;

/// <summary>Handshakes and data through the broker against a real openssl s_server on 127.0.0.1.</summary>
[Collection(SharedBrokerCollection.Name)]
[Trait("Category", "Functional")]
public sealed class OpenSslHandshakeTests(BrokerFixture fixture)
{
    [Theory]
    [InlineData("-tls1_3", "TLSv1.3", KeyKind.EcdsaP256)]
    [InlineData("-tls1_2", "TLSv1.2", KeyKind.EcdsaP256)]
    [InlineData("-tls1_3", "TLSv1.3", KeyKind.Rsa2048)]
    [InlineData("-tls1_2", "TLSv1.2", KeyKind.Rsa2048)]
    public async Task Connect_OpenSslServer_EstablishedWithVerifiedChain(string versionFlag, string expectedVersion, KeyKind key)
    {
        var chain = ChainFor(key);
        await using var server = await OpenSslServer.StartAsync(chain, versionFlag);

        await using var client = await ForwardingClient.ConnectAsync(fixture.Broker.Client, server.Port, Requests.Start("localhost"));

        var established = AssertEstablished(client, server);
        Assert.Equal(expectedVersion, established.ProtocolVersion);
        Assert.Equal(0, client.Handshake.Verify.Code);
        Assert.Equal([chain.Leaf.Der, chain.Intermediate.Der], established.PeerCertificates.Select(der => der.ToByteArray()));
        Assert.True(established.HandshakeDuration.ToTimeSpan() > TimeSpan.Zero);
        Assert.False(established.ClientCertificateSent, "s_server asked for no client certificate");
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    public async Task Connect_OpenSslReverseServer_DataRoundTrips(int fragmentSize)
    {
        await using var server = await OpenSslServer.StartAsync(fixture.EcdsaChain, "-rev");
        await using var client = await ForwardingClient.ConnectAsync(fixture.Broker.Client, server.Port, Requests.Start("localhost"), fragmentSize);
        AssertEstablished(client, server);

        var written = await client.WriteAsync("hello broker\n"u8.ToArray());
        var (plaintext, _) = await client.ReadAsync(received => received.ToArray().Contains((byte)'\n'));

        Assert.Equal("hello broker\n".Length, written.Ret);
        Assert.Equal("rekorb olleh\n", Encoding.ASCII.GetString(plaintext));
        if (fragmentSize == 1)
        {
            Assert.Equal(1, client.ReceivedSizes.Max());
            Assert.True(client.ReceivedSizes.Count > 500, $"only {client.ReceivedSizes.Count} Received messages: the server's bytes were not fed one at a time");
        }

        var shutdown = await client.ShutdownAsync();
        Assert.False(shutdown.RecordsToSend.IsEmpty, "Shutdown must return the close_notify to send");
        Assert.Equal(Grpc.Core.StatusCode.OK, (await client.CompleteAsync()).StatusCode);
    }

    [Fact]
    public async Task Connect_ServerSelectsAlpn_ReportedInEstablished()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.EcdsaChain, "-alpn", "http/1.1");

        await using var client = await ForwardingClient.ConnectAsync(
            fixture.Broker.Client, server.Port, Requests.Start("localhost", "", "h2", "http/1.1"));

        Assert.Equal("http/1.1", AssertEstablished(client, server).Alpn);
    }

    [Fact]
    public async Task Connect_ServerOnlyOnP384_HelloRetryRequestThenEstablished()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.EcdsaChain, "-tls1_3", "-groups", "P-384");

        await using var client = await ForwardingClient.ConnectAsync(fixture.Broker.Client, server.Port, Requests.Start("localhost"));

        Assert.Equal("secp384r1", AssertEstablished(client, server).Group);
    }

    [Fact]
    public async Task Connect_IpLiteralServerName_VerifiedAgainstIpSubjectAltName()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.EcdsaChain);

        await using var client = await ForwardingClient.ConnectAsync(fixture.Broker.Client, server.Port, Requests.Start("127.0.0.1"));

        AssertEstablished(client, server);
    }

    private TestChain ChainFor(KeyKind key) => key == KeyKind.Rsa2048 ? fixture.RsaChain : fixture.EcdsaChain;

    private static Established AssertEstablished(ForwardingClient client, OpenSslServer server)
    {
        Assert.True(
            client.IsEstablished,
            $"handshake ended with ret {client.Handshake.Ret} {client.Handshake.Error}: {client.Handshake.Reason}, verify {client.Handshake.Verify}\nserver said:\n{server.Output}");
        Assert.Equal(SslError.None, client.Handshake.Error);
        return client.Handshake.Established;
    }
}
