using Grpc.Health.V1;
using Grpc.Net.Client;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests;

/// <summary>The built broker run as its own process, configured the way README says: environment variables and arguments.</summary>
[Trait("Category", "Functional")]
public sealed class ProgramTests
{
    [Fact]
    public async Task Program_TrustAnchorsFromEnvironment_ServesHealthAndHandshakes()
    {
        using var chain = TestChain.Create();
        await using var broker = await BrokerProcess.StartAsync([$"Broker__Policies__default__TrustAnchors={chain.RootPath}"]);
        using var channel = GrpcChannel.ForAddress(broker.Address);
        await using var server = await OpenSslServer.StartAsync(chain);

        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest()).ResponseAsync.WaitAsync(TestTimeouts.Step);
        await using var client = await ForwardingClient.ConnectAsync(
            new Contracts.V1.BrokerService.BrokerServiceClient(channel), server.Port, Requests.Start("localhost"));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.True(client.IsEstablished, $"{client.Handshake.Reason}\nbroker said:\n{broker.Output}");
    }
}
