using Google.Protobuf;
using TlsBroker.Contracts.V1;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing.Peers;

namespace TlsBroker.Server.Tests.Resumption;

/// <summary>
/// TLS 1.3 resumption tokens through real brokers. The server's NewSessionTickets come after the
/// handshake (RFC 8446 §4.6.1), so the token is not on the Established response but on the response
/// to the Received that carried them. <c>openssl s_server</c> counts "Reused session-id" and
/// <c>gnutls-serv</c> prints "*** This is a resumed session": the servers' own account of what was resumed.
/// </summary>
[Trait("Category", "Functional")]
public sealed class Tls13ResumptionTokenTests(ResumptionBrokersFixture fixture) : IClassFixture<ResumptionBrokersFixture>
{
    private const string GnuTlsResumed = "*** This is a resumed session";

    [Fact]
    public async Task Connect_TokenAfterTheTickets_SecondStreamOnAnotherReplicaResumes()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-tls1_3");
        var first = await HandshakeAsync(fixture.ReplicaA, server.Port, Requests.Start("localhost"), () => server.Output);

        var second = await HandshakeAsync(fixture.ReplicaB, server.Port, WithToken(Requests.Start("localhost"), first.Token), () => server.Output);

        Assert.True(first.Established.ResumptionToken.IsEmpty, "the tickets come after the handshake");
        Assert.False(first.Token.IsEmpty, "a response after the handshake carries the token");
        Assert.Equal(("TLSv1.3", false, true), (second.Established.Established.ProtocolVersion, first.Established.Established.Resumed, second.Established.Established.Resumed));
        Assert.Equal(first.Established.Established.PeerCertificates, second.Established.Established.PeerCertificates);
        Assert.False(second.Token.IsEmpty, "the resumed session's own tickets give a token too");
        await server.WaitForReusedSessionsAsync(1);
        Assert.Equal(1, server.ReusedSessions);
    }

    [Fact]
    public async Task Connect_TokenOfAResumedSession_ResumesAgain()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-tls1_3");
        var first = await HandshakeAsync(fixture.ReplicaA, server.Port, Requests.Start("localhost"), () => server.Output);
        var second = await HandshakeAsync(fixture.ReplicaA, server.Port, WithToken(Requests.Start("localhost"), first.Token), () => server.Output);

        var third = await HandshakeAsync(fixture.ReplicaA, server.Port, WithToken(Requests.Start("localhost"), second.Token), () => server.Output);

        Assert.True(third.Established.Established.Resumed);
        await server.WaitForReusedSessionsAsync(2);
        Assert.Equal(2, server.ReusedSessions);
    }

    /// <summary>gnutls-serv also checks the ticket's obfuscated age (RFC 8446 §4.2.11.1).</summary>
    [Fact]
    public async Task Connect_TokenAgainstGnuTls_SecondStreamResumes()
    {
        await using var server = await GnuTlsServer.StartAsync(fixture.Chain, "NORMAL:-VERS-ALL:+VERS-TLS1.3");
        var first = await HandshakeAsync(fixture.ReplicaA, server.Port, Requests.Start("localhost"), () => server.Output);

        var second = await HandshakeAsync(fixture.ReplicaA, server.Port, WithToken(Requests.Start("localhost"), first.Token), () => server.Output);

        Assert.Equal((false, true), (first.Established.Established.Resumed, second.Established.Established.Resumed));
        Assert.Equal(first.Established.Established.PeerCertificates, second.Established.Established.PeerCertificates);
        await server.WaitForLinesAsync(GnuTlsResumed, 1);
    }

    public static TheoryData<string, string, string> OutOfScope() => new()
    {
        { "another key", "localhost", "" },
        { "another server name", "127.0.0.1", "" },
        { "another policy", "localhost", ResumptionBrokersFixture.OtherPolicy },
    };

    [Theory]
    [MemberData(nameof(OutOfScope))]
    public async Task Connect_TokenOutOfScope_FullHandshake(string why, string serverName, string policy)
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-tls1_3");
        var first = await HandshakeAsync(fixture.ReplicaA, server.Port, Requests.Start("localhost"), () => server.Output);
        var broker = why == "another key" ? fixture.OtherKey : fixture.ReplicaA;
        Assert.False(first.Token.IsEmpty);

        var second = await HandshakeAsync(broker, server.Port, WithToken(Requests.Start(serverName, policy), first.Token), () => server.Output);

        Assert.False(second.Established.Established.Resumed, why);
        Assert.Equal(0, server.ReusedSessions);
    }

    [Fact]
    public async Task Connect_BrokerWithoutKeys_IssuesNoTls13Token()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-tls1_3");

        var result = await HandshakeAsync(fixture.NoKeys, server.Port, Requests.Start("localhost"), () => server.Output);

        Assert.Equal(("TLSv1.3", true), (result.Established.Established.ProtocolVersion, result.Token.IsEmpty));
    }

    private static Start WithToken(Start start, ByteString token)
    {
        start.ResumptionToken = token;
        return start;
    }

    /// <summary>The handshake, then close_notify both ways; returns the Established response and the latest token of the stream.</summary>
    private static async Task<(ConnectResponse Established, ByteString Token)> HandshakeAsync(BrokerHost broker, int port, Start start, Func<string> serverOutput)
    {
        await using var client = await ForwardingClient.ConnectAsync(broker.Client, port, start);
        Assert.True(client.IsEstablished, $"ret {client.Handshake.Ret} {client.Handshake.Error}: {client.Handshake.Reason}\nserver said:\n{serverOutput()}");
        await client.ShutdownAsync();
        var (_, end) = await client.ReadAsync(_ => false);
        Assert.Equal((0, SslError.ZeroReturn), (end.Ret, end.Error));
        var token = client.Responses.LastOrDefault(response => !response.ResumptionToken.IsEmpty)?.ResumptionToken ?? ByteString.Empty;
        return (client.Handshake, token);
    }
}
