using Google.Protobuf;
using TlsBroker.Contracts.V1;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing.Peers;

namespace TlsBroker.Server.Tests.Resumption;

/// <summary>
/// Resumption tokens through real brokers against <c>openssl s_server</c> (TLS 1.2: tickets by
/// default, session IDs with <c>-no_ticket</c>); s_server's "Reused session-id" count is the
/// server's own account of what was resumed. A token that cannot be trusted never fails the
/// stream: the handshake is a full one.
/// </summary>
[Trait("Category", "Functional")]
public sealed class ResumptionTokenTests(ResumptionBrokersFixture fixture) : IClassFixture<ResumptionBrokersFixture>
{
    [Theory]
    [InlineData("-tls1_2")]
    [InlineData("-no_ticket")]
    public async Task Connect_TokenOfTheFirstStream_SecondStreamResumes(string mode)
    {
        await using var server = await StartServerAsync(mode);
        var first = await HandshakeAsync(fixture.ReplicaA, server, Requests.Start("localhost"));

        var second = await HandshakeAsync(fixture.ReplicaA, server, WithToken(Requests.Start("localhost"), first.ResumptionToken));

        Assert.Equal((false, true), (first.Established.Resumed, second.Established.Resumed));
        Assert.Equal((first.Established.ProtocolVersion, first.Established.CipherSuite), (second.Established.ProtocolVersion, second.Established.CipherSuite));
        Assert.Equal(first.Established.PeerCertificates, second.Established.PeerCertificates);
        Assert.False(second.ResumptionToken.IsEmpty);
        await server.WaitForReusedSessionsAsync(1);
        Assert.Equal(1, server.ReusedSessions);
    }

    [Fact]
    public async Task Connect_TokenFromAnotherReplicaWithTheSameKey_Resumes()
    {
        await using var server = await StartServerAsync("-tls1_2");
        var first = await HandshakeAsync(fixture.ReplicaA, server, Requests.Start("localhost"));

        var second = await HandshakeAsync(fixture.ReplicaB, server, WithToken(Requests.Start("localhost"), first.ResumptionToken));

        Assert.True(second.Established.Resumed);
        await server.WaitForReusedSessionsAsync(1);
    }

    /// <summary>Rotation: the new key seals, the old one still opens; a token sealed with the new key does not open where only the old one is known.</summary>
    [Fact]
    public async Task Connect_AfterKeyRotation_OldTokenResumesAndTheNewTokenUsesTheNewKey()
    {
        await using var server = await StartServerAsync("-tls1_2");
        var first = await HandshakeAsync(fixture.ReplicaA, server, Requests.Start("localhost"));

        var rotated = await HandshakeAsync(fixture.Rotated, server, WithToken(Requests.Start("localhost"), first.ResumptionToken));
        var onlyOldKey = await HandshakeAsync(fixture.ReplicaA, server, WithToken(Requests.Start("localhost"), rotated.ResumptionToken));
        var newKey = await HandshakeAsync(fixture.OtherKey, server, WithToken(Requests.Start("localhost"), rotated.ResumptionToken));

        Assert.Equal((true, false, true), (rotated.Established.Resumed, onlyOldKey.Established.Resumed, newKey.Established.Resumed));
        await server.WaitForReusedSessionsAsync(2);
        Assert.Equal(2, server.ReusedSessions);
    }

    public static TheoryData<string, string, string> OutOfScope() => new()
    {
        { "another key", "localhost", "" },
        { "another server name", "127.0.0.1", "" },
        { "another policy", "localhost", ResumptionBrokersFixture.OtherPolicy },
        { "altered", "localhost", "" },
        { "garbage", "localhost", "" },
    };

    [Theory]
    [MemberData(nameof(OutOfScope))]
    public async Task Connect_TokenThatCannotBeTrusted_FullHandshake(string why, string serverName, string policy)
    {
        await using var server = await StartServerAsync("-tls1_2");
        var first = await HandshakeAsync(fixture.ReplicaA, server, Requests.Start("localhost"));
        var token = why switch
        {
            "altered" => Altered(first.ResumptionToken),
            "garbage" => ByteString.CopyFrom(new byte[first.ResumptionToken.Length]),
            _ => first.ResumptionToken,
        };
        var broker = why == "another key" ? fixture.OtherKey : fixture.ReplicaA;

        var second = await HandshakeAsync(broker, server, WithToken(Requests.Start(serverName, policy), token));

        Assert.False(second.Established.Resumed, why);
        Assert.False(second.ResumptionToken.IsEmpty, "a full handshake gives a fresh token");
        Assert.Equal(0, server.ReusedSessions);
    }

    [Fact]
    public async Task Connect_TokenPastTheConfiguredLifetime_FullHandshake()
    {
        await using var server = await StartServerAsync("-no_ticket");
        var first = await HandshakeAsync(fixture.FakeClock, server, Requests.Start("localhost"));
        var fresh = await HandshakeAsync(fixture.FakeClock, server, WithToken(Requests.Start("localhost"), first.ResumptionToken));

        fixture.Time.Advance(ResumptionBrokersFixture.TokenLifetime);
        var expired = await HandshakeAsync(fixture.FakeClock, server, WithToken(Requests.Start("localhost"), fresh.ResumptionToken));

        Assert.Equal((true, false), (fresh.Established.Resumed, expired.Established.Resumed));
        await server.WaitForReusedSessionsAsync(1);
        Assert.Equal(1, server.ReusedSessions);
    }

    [Fact]
    public async Task Connect_BrokerWithoutKeys_IssuesNoTokenAndIgnoresOne()
    {
        await using var server = await StartServerAsync("-tls1_2");
        var sealedElsewhere = await HandshakeAsync(fixture.ReplicaA, server, Requests.Start("localhost"));

        var result = await HandshakeAsync(fixture.NoKeys, server, WithToken(Requests.Start("localhost"), sealedElsewhere.ResumptionToken));

        Assert.Equal((false, true), (result.Established.Resumed, result.ResumptionToken.IsEmpty));
    }

    private static ByteString Altered(ByteString token)
    {
        var bytes = token.ToByteArray();
        bytes[^1] ^= 0x01;
        return ByteString.CopyFrom(bytes);
    }

    private static Start WithToken(Start start, ByteString token)
    {
        start.ResumptionToken = token;
        return start;
    }

    private static async Task<ConnectResponse> HandshakeAsync(BrokerHost broker, OpenSslServer server, Start start)
    {
        await using var client = await ForwardingClient.ConnectAsync(broker.Client, server.Port, start);
        Assert.True(client.IsEstablished, $"ret {client.Handshake.Ret} {client.Handshake.Error}: {client.Handshake.Reason}\nserver said:\n{server.Output}");

        // OpenSSL drops a session from its cache when the connection ends without close_notify both ways (SSL_free(3)).
        await client.ShutdownAsync();
        var (_, end) = await client.ReadAsync(_ => false);
        Assert.Equal((0, SslError.ZeroReturn), (end.Ret, end.Error));
        return client.Handshake;
    }

    private Task<OpenSslServer> StartServerAsync(string mode) =>
        mode == "-no_ticket" ? OpenSslServer.StartAsync(fixture.Chain, "-tls1_2", mode) : OpenSslServer.StartAsync(fixture.Chain, mode);
}
