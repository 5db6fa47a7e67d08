using System.Security.Cryptography;
using Grpc.Net.Client;
using TlsBroker.Contracts.V1;
using TlsBroker.Server.Callers;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests.Callers;

/// <summary>
/// Resumption tokens are bound to the caller that earned them: the built broker (its own process,
/// so its metrics are its own) with two API-key callers, against <c>openssl s_server -tls1_2</c>,
/// whose "Reused session-id" count is the server's own account of what was resumed.
/// </summary>
[Trait("Category", "Functional")]
public sealed class CallerResumptionTests
{
    [Fact]
    public async Task Connect_AnotherCallersToken_FullHandshakeCountedAsNotAuthentic()
    {
        using var chain = TestChain.Create();
        var aliceKey = ApiKeys.NewKey();
        var bobKey = ApiKeys.NewKey();
        await using var broker = await BrokerProcess.StartAsync(
        [
            $"Broker__Policies__default__TrustAnchors={chain.RootPath}",
            "Broker__Resumption__Keys__0__Id=k1",
            $"Broker__Resumption__Keys__0__Key={Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}",
            $"Broker__Callers__alice__ApiKeyHashes__0={ApiKeys.Hash(aliceKey)}",
            "Broker__Callers__alice__Policies__0=default",
            $"Broker__Callers__bob__ApiKeyHashes__0={ApiKeys.Hash(bobKey)}",
            "Broker__Callers__bob__Policies__0=default",
        ]);
        using var channel = GrpcChannel.ForAddress(broker.Address);
        var alice = CallerClients.WithApiKey(channel, aliceKey);
        var bob = CallerClients.WithApiKey(channel, bobKey);
        await using var server = await OpenSslServer.StartAsync(chain, "-tls1_2");
        var before = await MetricsScrape.GetAsync(broker.AdminAddress);

        var earned = await HandshakeAsync(alice, server, Requests.Start("localhost"));
        var bobsTry = await HandshakeAsync(bob, server, WithToken(Requests.Start("localhost"), earned));
        var alicesOwn = await HandshakeAsync(alice, server, WithToken(Requests.Start("localhost"), earned));

        Assert.Equal((false, true), (bobsTry.Established.Resumed, alicesOwn.Established.Resumed));
        await server.WaitForReusedSessionsAsync(1);
        Assert.Equal(1, server.ReusedSessions);
        var after = await MetricsScrape.GetAsync(broker.AdminAddress);
        Assert.Equal(1, Delta(before, after, "not_authentic"));
        Assert.Equal(1, Delta(before, after, "accepted"));
    }

    private static double Delta(MetricsScrape before, MetricsScrape after, string outcome) =>
        after.Sum("tlsbroker_resumption_tokens_total", ("tlsbroker_outcome", outcome)) - before.Sum("tlsbroker_resumption_tokens_total", ("tlsbroker_outcome", outcome));

    private static Start WithToken(Start start, ConnectResponse earned)
    {
        start.ResumptionToken = earned.ResumptionToken;
        return start;
    }

    private static async Task<ConnectResponse> HandshakeAsync(BrokerService.BrokerServiceClient broker, OpenSslServer server, Start start)
    {
        await using var client = await ForwardingClient.ConnectAsync(broker, server.Port, start);
        Assert.True(client.IsEstablished, $"{client.Handshake.Reason}\nserver said:\n{server.Output}");

        // OpenSSL drops a session from its cache when the connection ends without close_notify both ways (SSL_free(3)).
        await client.ShutdownAsync();
        var (_, end) = await client.ReadAsync(_ => false);
        Assert.Equal((0, SslError.ZeroReturn), (end.Ret, end.Error));
        return client.Handshake;
    }
}
