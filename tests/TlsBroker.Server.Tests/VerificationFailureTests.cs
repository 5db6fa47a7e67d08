using Grpc.Core;
using TlsBroker.Contracts.V1;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests;

/// <summary>
/// A server the broker must not trust gives a result in the stream (ret -1, SSL_ERROR_SSL, the
/// verify number OpenSSL gives for the same chain, the alert the broker sent), and the stream then
/// ends OK: a TLS failure is not a gRPC error.
/// </summary>
[Collection(SharedBrokerCollection.Name)]
[Trait("Category", "Functional")]
public sealed class VerificationFailureTests(BrokerFixture fixture)
{
    [Fact]
    public async Task Connect_WrongHost_VerifyFailureResultAndStreamEndsOk()
    {
        const string wrongHost = "wrong.test";
        var expectedCode = (await OpenSslVerify.RunAsync(fixture.EcdsaChain, wrongHost, fixture.AnchorsPath)).Code;
        await using var server = await OpenSslServer.StartAsync(fixture.EcdsaChain);

        await using var client = await ForwardingClient.ConnectAsync(fixture.Broker.Client, server.Port, Requests.Start(wrongHost));

        AssertVerifyFailure(client.Handshake, expectedCode);
        Assert.Equal(StatusCode.OK, (await client.CompleteAsync()).StatusCode);
        await fixture.Broker.WaitForActiveSessionsAsync(0);
    }

    [Fact]
    public async Task Connect_UntrustedRoot_VerifyFailureResultAndStreamEndsOk()
    {
        using var untrusted = TestChain.Create();
        var expectedCode = (await OpenSslVerify.RunAsync(untrusted, "localhost", fixture.AnchorsPath)).Code;
        await using var server = await OpenSslServer.StartAsync(untrusted);

        await using var client = await ForwardingClient.ConnectAsync(fixture.Broker.Client, server.Port, Requests.Start("localhost"));

        AssertVerifyFailure(client.Handshake, expectedCode);
        Assert.Equal(StatusCode.OK, (await client.CompleteAsync()).StatusCode);
    }

    /// <summary>SSL_get_error(3): after SSL_ERROR_SSL "no further I/O operations should be performed"; each gets the failure again.</summary>
    [Fact]
    public async Task Connect_RequestsAfterFatalResult_AnsweredWithTheSameFailure()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.EcdsaChain);
        await using var client = await ForwardingClient.ConnectAsync(fixture.Broker.Client, server.Port, Requests.Start("wrong.test"));
        Assert.Equal(SslError.Ssl, client.Handshake.Error);

        var write = await client.WriteAsync("after the failure"u8.ToArray());
        var shutdown = await client.ShutdownAsync();

        Assert.All(new[] { write, shutdown }, answer =>
        {
            Assert.Equal((client.Handshake.Ret, client.Handshake.Error, client.Handshake.Verify, client.Handshake.Alert), (answer.Ret, answer.Error, answer.Verify, answer.Alert));
            Assert.True(answer.RecordsToSend.IsEmpty, "the alert was sent once already");
        });
        Assert.Equal(StatusCode.OK, (await client.CompleteAsync()).StatusCode);
    }

    [Fact]
    public async Task Connect_StartAfterFatalResult_InvalidArgument()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.EcdsaChain);
        await using var client = await ForwardingClient.ConnectAsync(fixture.Broker.Client, server.Port, Requests.Start("wrong.test"));
        Assert.Equal(SslError.Ssl, client.Handshake.Error);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.SendAsync(Requests.StartRequest("localhost")));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    private static void AssertVerifyFailure(ConnectResponse response, int expectedCode)
    {
        Assert.NotEqual(0, expectedCode);
        Assert.Equal(-1, response.Ret);
        Assert.Equal(SslError.Ssl, response.Error);
        Assert.Equal(expectedCode, response.Verify.Code);
        Assert.StartsWith("X509_V_ERR_", response.Verify.Name, StringComparison.Ordinal);
        Assert.NotNull(response.Alert);
        Assert.True(response.Alert.Sent, "the broker must send the alert to the server");
        Assert.Equal(AlertLevel.Fatal, response.Alert.Level);
        Assert.False(response.RecordsToSend.IsEmpty, "the alert must be in records_to_send");
        Assert.False(string.IsNullOrEmpty(response.Reason));
        Assert.Null(response.Established);
    }
}
