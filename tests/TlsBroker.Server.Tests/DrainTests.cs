using System.Text;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using TlsBroker.Contracts.V1;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests;

/// <summary>SIGTERM on the built broker: no new sessions at once, live ones drain, the rest end with a clear status.</summary>
[Trait("Category", "Functional")]
public sealed class DrainTests
{
    [Fact]
    public async Task Sigterm_LiveSession_KeepsWorkingThenEndsUnavailableAfterDrainTime()
    {
        using var chain = TestChain.Create();
        await using var broker = await BrokerProcess.StartAsync(
            [$"Broker__Policies__default__TrustAnchors={chain.RootPath}", "Broker__DrainTimeout=00:00:03"]);
        using var channel = GrpcChannel.ForAddress(broker.Address);
        var client = new BrokerService.BrokerServiceClient(channel);
        await using var server = await OpenSslServer.StartAsync(chain, "-rev");
        await using var live = await ForwardingClient.ConnectAsync(client, server.Port, Requests.Start("localhost"));
        Assert.True(live.IsEstablished, $"{live.Handshake.Reason}\nbroker said:\n{broker.Output}");

        await broker.TerminateAsync();
        await broker.WaitForOutputAsync("Shutting down: no new sessions");
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest()).ResponseAsync.WaitAsync(TestTimeouts.Step);
        using var late = client.Connect();
        var refused = await CallAssert.RejectedAsync(late, Requests.StartRequest("localhost"), StatusCode.Unavailable);
        await live.WriteAsync("still here\n"u8.ToArray());
        var (echo, _) = await live.ReadAsync(received => received.ToArray().Contains((byte)'\n'));
        var end = await live.WaitForEndAsync();

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, health.Status);
        Assert.Contains("broker is shutting down", refused, StringComparison.Ordinal);
        Assert.Equal("ereh llits\n", Encoding.ASCII.GetString(echo));
        Assert.Equal(StatusCode.Unavailable, end.StatusCode);
        Assert.Contains("drain time (3 s)", end.Detail, StringComparison.Ordinal);
        await broker.WaitForOutputAsync("Drain over after");
    }
}
