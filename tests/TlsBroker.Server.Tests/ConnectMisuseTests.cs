using Google.Protobuf;
using Grpc.Core;
using TlsBroker.Contracts.V1;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing;

namespace TlsBroker.Server.Tests;

/// <summary>Misuse of the Connect stream ends it with a clear status, and never leaks a session.</summary>
[Collection(SharedBrokerCollection.Name)]
[Trait("Category", "Functional")]
public sealed class ConnectMisuseTests(BrokerFixture fixture)
{
    private BrokerHost Broker => fixture.Broker;

    [Fact]
    public async Task Connect_DataBeforeStart_InvalidArgument()
    {
        using var call = Broker.Client.Connect();

        var detail = await CallAssert.RejectedAsync(call, Requests.Received([0x16, 0x03, 0x01]), StatusCode.InvalidArgument);

        Assert.Contains("first message must be start", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_EmptyRequest_InvalidArgument()
    {
        using var call = Broker.Client.Connect();

        var detail = await CallAssert.RejectedAsync(call, new ConnectRequest(), StatusCode.InvalidArgument);

        Assert.Contains("no step", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_TwoStarts_InvalidArgumentAndSessionFreed()
    {
        await Broker.WaitForActiveSessionsAsync(0);
        using var call = Broker.Client.Connect();
        var first = await CallAssert.ExchangeAsync(call, Requests.StartRequest("localhost"));
        Assert.Equal(SslError.WantRead, first.Error);
        Assert.False(first.RecordsToSend.IsEmpty, "Start must return the ClientHello");
        Assert.Equal(1, Broker.Sessions.Count);

        await CallAssert.RejectedAsync(call, Requests.StartRequest("localhost"), StatusCode.InvalidArgument);

        await Broker.WaitForActiveSessionsAsync(0);
    }

    [Fact]
    public async Task Connect_WriteBeforeEstablished_InvalidArgument()
    {
        using var call = Broker.Client.Connect();
        await CallAssert.ExchangeAsync(call, Requests.StartRequest("localhost"));

        var detail = await CallAssert.RejectedAsync(call, Requests.Write("too early"u8.ToArray()), StatusCode.InvalidArgument);

        Assert.False(string.IsNullOrWhiteSpace(detail));
    }

    /// <summary>A request whose bytes are not a ConnectRequest is the caller's mistake: INVALID_ARGUMENT, and the session is freed.</summary>
    [Fact]
    public async Task Connect_RequestThatIsNotProtobuf_InvalidArgumentAndSessionFreed()
    {
        await Broker.WaitForActiveSessionsAsync(0);
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(Broker.Address);
        var rawConnect = new Method<byte[], byte[]>(
            MethodType.DuplexStreaming, "tlsbroker.v1.BrokerService", "Connect", Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));
        using var call = channel.CreateCallInvoker().AsyncDuplexStreamingCall(rawConnect, null, default);
        await call.RequestStream.WriteAsync(Requests.StartRequest("localhost").ToByteArray()).WaitAsync(TestTimeouts.Step);
        Assert.True(await call.ResponseStream.MoveNext().WaitAsync(TestTimeouts.Step));

        // Field 2 (received), length-delimited, claiming 100 bytes where 2 follow.
        await call.RequestStream.WriteAsync([0x12, 0x64, 0x01, 0x02]).WaitAsync(TestTimeouts.Step);
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext().WaitAsync(TestTimeouts.Step));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("not a valid ConnectRequest", error.Status.Detail, StringComparison.Ordinal);
        await Broker.WaitForActiveSessionsAsync(0);
    }

    /// <summary>Names a caller sends are checked before anything else and quoted only as a short, escaped excerpt.</summary>
    [Theory]
    [InlineData("policy with spaces", "localhost")]
    [InlineData("forged\r\nlog line", "localhost")]
    [InlineData("", "host\u0000.example")]
    public async Task Connect_BadNames_InvalidArgumentQuotingAnEscapedExcerpt(string policy, string serverName)
    {
        using var call = Broker.Client.Connect();

        var detail = await CallAssert.RejectedAsync(call, Requests.StartRequest(serverName, policy: policy), StatusCode.InvalidArgument);

        Assert.DoesNotContain('\n', detail);
        Assert.DoesNotContain('\r', detail);
        Assert.DoesNotContain('\0', detail);
    }

    [Fact]
    public async Task Connect_EightKilobytePolicyName_InvalidArgumentWithAShortMessage()
    {
        using var call = Broker.Client.Connect();
        var policy = new string('p', 8192);

        var detail = await CallAssert.RejectedAsync(call, Requests.StartRequest("localhost", policy: policy), StatusCode.InvalidArgument);

        Assert.True(detail.Length < 300, $"{detail.Length} characters echoed");
        Assert.Contains("(8192 characters)", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_OversizedMessage_ResourceExhaustedAndSessionFreed()
    {
        await Broker.WaitForActiveSessionsAsync(0);
        using var call = Broker.Client.Connect();
        await CallAssert.ExchangeAsync(call, Requests.StartRequest("localhost"));

        // The default limit is 1 MiB per request message; this one is just over it.
        await CallAssert.RejectedAsync(call, Requests.Received(new byte[1024 * 1024]), StatusCode.ResourceExhausted);

        await Broker.WaitForActiveSessionsAsync(0);
    }

    [Fact]
    public async Task Connect_UnknownPolicy_PermissionDenied()
    {
        using var call = Broker.Client.Connect();

        var detail = await CallAssert.RejectedAsync(call, Requests.StartRequest("localhost", policy: "no-such-policy"), StatusCode.PermissionDenied);

        Assert.Contains("no-such-policy", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_ServerNameOutsidePolicy_PermissionDenied()
    {
        using var call = Broker.Client.Connect();

        var detail = await CallAssert.RejectedAsync(
            call, Requests.StartRequest("localhost", BrokerFixture.RestrictedPolicy), StatusCode.PermissionDenied);

        Assert.Contains(BrokerFixture.RestrictedPolicy, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_ServerNameInsidePolicy_HandshakeStarts()
    {
        using var call = Broker.Client.Connect();

        var response = await CallAssert.ExchangeAsync(call, Requests.StartRequest(BrokerFixture.RestrictedServerName, BrokerFixture.RestrictedPolicy));

        Assert.Equal(-1, response.Ret);
        Assert.Equal(SslError.WantRead, response.Error);
    }

    [Fact]
    public async Task Connect_MalformedServerName_InvalidArgument()
    {
        using var call = Broker.Client.Connect();

        var detail = await CallAssert.RejectedAsync(call, Requests.StartRequest("not a host name!"), StatusCode.InvalidArgument);

        Assert.Contains("server_name", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_ClientCancelsMidHandshake_SessionFreed()
    {
        await Broker.WaitForActiveSessionsAsync(0);
        using var cancel = new CancellationTokenSource();
        using var call = Broker.Client.Connect(cancellationToken: cancel.Token);
        await CallAssert.ExchangeAsync(call, Requests.StartRequest("localhost"));
        Assert.Equal(1, Broker.Sessions.Count);

        await cancel.CancelAsync();

        await Broker.WaitForActiveSessionsAsync(0);
    }

    [Fact]
    public async Task Connect_HalfCloseMidHandshake_EndsOkAndSessionFreed()
    {
        await Broker.WaitForActiveSessionsAsync(0);
        using var call = Broker.Client.Connect();
        await CallAssert.ExchangeAsync(call, Requests.StartRequest("localhost"));

        await call.RequestStream.CompleteAsync().WaitAsync(TestTimeouts.Step);

        Assert.False(await call.ResponseStream.MoveNext().WaitAsync(TestTimeouts.Step));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        await Broker.WaitForActiveSessionsAsync(0);
    }
}
