using Grpc.Core;
using TlsBroker.Contracts.V1;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing.Peers;

namespace TlsBroker.Server.Tests;

/// <summary>
/// A peer that is not a TLS server, or hangs up mid-handshake, gives a result in the stream
/// (SSL_connect(3): ret -1 with SSL_ERROR_SSL or SSL_ERROR_SYSCALL); the stream ends OK and the
/// session is freed.
/// </summary>
[Collection(SharedBrokerCollection.Name)]
[Trait("Category", "Functional")]
public sealed class MisbehavingPeerTests(BrokerFixture fixture)
{
    [Fact]
    public async Task Connect_PeerSendsHttp_SslErrorResultAndStreamEndsOk()
    {
        await using var peer = ScriptedTcpPeer.Replying("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"u8.ToArray());

        await using var client = await ForwardingClient.ConnectAsync(fixture.Broker.Client, peer.Port, Requests.Start("localhost"));

        Assert.Equal(-1, client.Handshake.Ret);
        Assert.Equal(SslError.Ssl, client.Handshake.Error);
        Assert.False(string.IsNullOrEmpty(client.Handshake.Reason));
        Assert.Equal(StatusCode.OK, (await client.CompleteAsync()).StatusCode);
        await fixture.Broker.WaitForActiveSessionsAsync(0);
    }

    [Fact]
    public async Task Connect_PeerHangsUpMidHandshake_SyscallResultAndStreamEndsOk()
    {
        await using var peer = ScriptedTcpPeer.HangingUp();

        await using var client = await ForwardingClient.ConnectAsync(fixture.Broker.Client, peer.Port, Requests.Start("localhost"));

        Assert.Equal(-1, client.Handshake.Ret);
        Assert.Equal(SslError.Syscall, client.Handshake.Error);
        Assert.Equal(0, client.ReceivedSizes[^1]);
        Assert.Equal(StatusCode.OK, (await client.CompleteAsync()).StatusCode);
        await fixture.Broker.WaitForActiveSessionsAsync(0);
    }
}
