using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing;

namespace TlsBroker.Server.Tests;

/// <summary>The standard gRPC health and reflection services next to the broker.</summary>
[Collection(SharedBrokerCollection.Name)]
[Trait("Category", "Functional")]
public sealed class HostEndpointsTests(BrokerFixture fixture)
{
    [Fact]
    public async Task HealthCheck_RunningBroker_Serving()
    {
        using var channel = GrpcChannel.ForAddress(fixture.Broker.Address);

        var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest()).ResponseAsync.WaitAsync(TestTimeouts.Step);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }

    [Fact]
    public async Task Reflection_ListServices_IncludesBrokerService()
    {
        using var channel = GrpcChannel.ForAddress(fixture.Broker.Address);
        using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty }).WaitAsync(TestTimeouts.Step);
        await call.RequestStream.CompleteAsync().WaitAsync(TestTimeouts.Step);
        Assert.True(await call.ResponseStream.MoveNext().WaitAsync(TestTimeouts.Step));

        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(service => service.Name);
        Assert.Contains("tlsbroker.v1.BrokerService", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }
}
