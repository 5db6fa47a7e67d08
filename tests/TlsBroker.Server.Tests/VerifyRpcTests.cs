using Grpc.Core;
using TlsBroker.Contracts.V1;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests;

/// <summary>
/// The Verify RPC answers with the verify result a handshake with the same policy and server name
/// gives, OpenSSL's number for the same chain; a bad request is INVALID_ARGUMENT, as for Start.
/// </summary>
[Collection(SharedBrokerCollection.Name)]
[Trait("Category", "Functional")]
public sealed class VerifyRpcTests(BrokerFixture fixture)
{
    [Fact]
    public async Task Verify_ValidChain_Accepted()
    {
        var oracle = await OpenSslVerify.RunAsync(fixture.EcdsaChain, "localhost", fixture.AnchorsPath);

        var response = await VerifyCalls.VerifyAsync(fixture.Broker.Client, VerifyCalls.Request(fixture.EcdsaChain, "localhost"));

        Assert.Equal(0, oracle.Code);
        Assert.Equal((0, "X509_V_OK", 0), (response.Verify.Code, response.Verify.Name, response.Verify.Depth));
        Assert.Equal("ok", response.Reason);
    }

    [Fact]
    public async Task Verify_HostnameMismatch_HostnameMismatchAsOpenSsl()
    {
        var oracle = await OpenSslVerify.RunAsync(fixture.EcdsaChain, "wrong.test", fixture.AnchorsPath);

        var response = await VerifyCalls.VerifyAsync(fixture.Broker.Client, VerifyCalls.Request(fixture.EcdsaChain, "wrong.test"));

        Assert.Equal(62, oracle.Code);
        Assert.Equal((oracle.Code, "X509_V_ERR_HOSTNAME_MISMATCH", oracle.Depth), (response.Verify.Code, response.Verify.Name, response.Verify.Depth));
        Assert.Contains("wrong.test", response.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_UntrustedRoot_SameCodeAsOpenSslVerify()
    {
        using var untrusted = TestChain.Create();
        var oracle = await OpenSslVerify.RunAsync(untrusted, "localhost", fixture.AnchorsPath);

        var response = await VerifyCalls.VerifyAsync(fixture.Broker.Client, VerifyCalls.Request(untrusted, "localhost"));

        Assert.NotEqual(0, oracle.Code);
        Assert.Equal((oracle.Code, oracle.Depth), (response.Verify.Code, response.Verify.Depth));
        Assert.StartsWith("X509_V_ERR_", response.Verify.Name, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(response.Reason));
    }

    /// <summary>The same chain, served by openssl s_server and handshaken through Connect, or given to Verify: one answer.</summary>
    [Theory]
    [InlineData("localhost")]
    [InlineData("wrong.test")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task Verify_SameChainAsHandshake_SameVerifyResult(string serverName)
    {
        using var chain = TestChain.Create();
        await using var broker = await BrokerHost.StartAsync([$"Broker:Policies:default:TrustAnchors={chain.RootPath}"]);
        await using var server = await OpenSslServer.StartAsync(chain);
        await using var handshake = await ForwardingClient.ConnectAsync(broker.Client, server.Port, Requests.Start(serverName));

        var verified = await VerifyCalls.VerifyAsync(broker.Client, VerifyCalls.Request(chain, serverName));

        Assert.Equal(handshake.Handshake.Verify, verified.Verify);
        Assert.Equal(handshake.IsEstablished, verified.Verify.Code == 0);
        Assert.Equal(StatusCode.OK, (await handshake.CompleteAsync()).StatusCode);
    }

    [Theory]
    [InlineData("", "default")]
    [InlineData("bad_name!", "default")]
    [InlineData("localhost", "Not A Policy")]
    public async Task Verify_BadServerOrPolicyName_InvalidArgument(string serverName, string policy)
    {
        var status = await VerifyCalls.StatusOfAsync(fixture.Broker.Client, VerifyCalls.Request(fixture.EcdsaChain, serverName, policy));

        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.Contains(serverName.Length == 0 || serverName.Contains('!') ? "server_name" : "policy", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_NoCertificates_InvalidArgument()
    {
        var status = await VerifyCalls.StatusOfAsync(fixture.Broker.Client, VerifyCalls.Request([], "localhost"));

        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.Contains("certificates", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ServerNameOutsidePolicy_PermissionDenied()
    {
        var status = await VerifyCalls.StatusOfAsync(
            fixture.Broker.Client, VerifyCalls.Request(fixture.EcdsaChain, "localhost", BrokerFixture.RestrictedPolicy));

        Assert.Equal(StatusCode.PermissionDenied, status.StatusCode);
    }
}
