using System.Net;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing;

namespace TlsBroker.Server.Tests;

/// <summary>Broker:MaxConcurrentSessions is enforced, and a freed slot can be taken again.</summary>
[Trait("Category", "Functional")]
public sealed class SessionLimitTests : IAsyncLifetime
{
    private BrokerHost broker = null!;

    public async Task InitializeAsync() => broker = await BrokerHost.StartAsync(["Broker:MaxConcurrentSessions=1"]);

    public async Task DisposeAsync() => await broker.DisposeAsync();

    [Fact]
    public async Task Connect_OverSessionLimit_ResourceExhaustedUntilASessionEnds()
    {
        using var first = broker.Client.Connect();
        await CallAssert.ExchangeAsync(first, Requests.StartRequest("localhost"));

        using var second = broker.Client.Connect();
        var detail = await CallAssert.RejectedAsync(second, Requests.StartRequest("localhost"), StatusCode.ResourceExhausted);
        Assert.Contains("session limit", detail, StringComparison.Ordinal);

        await first.RequestStream.CompleteAsync().WaitAsync(TestTimeouts.Step);
        Assert.False(await first.ResponseStream.MoveNext().WaitAsync(TestTimeouts.Step));
        await broker.WaitForActiveSessionsAsync(0);

        using var third = broker.Client.Connect();
        var response = await CallAssert.ExchangeAsync(third, Requests.StartRequest("localhost"));
        Assert.Equal(Contracts.V1.SslError.WantRead, response.Error);
    }

    /// <summary>A full replica says so, to balancers and readiness probes, and is still alive; a freed slot makes it serve again.</summary>
    [Fact]
    public async Task Health_AtSessionLimit_NotServingUntilASessionEnds()
    {
        using var channel = GrpcChannel.ForAddress(broker.Address);
        var health = new Health.HealthClient(channel);
        using var http = new HttpClient();
        const string Service = "tlsbroker.v1.BrokerService";
        Assert.Equal(ServingStatus.Serving, await StatusAsync(health, Service));

        using var first = broker.Client.Connect();
        await CallAssert.ExchangeAsync(first, Requests.StartRequest("localhost"));

        Assert.Equal(ServingStatus.NotServing, await StatusAsync(health, Service));
        Assert.Equal(ServingStatus.NotServing, await StatusAsync(health, string.Empty));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync(new Uri(broker.AdminAddress!, "/healthz")).WaitAsync(TestTimeouts.Step)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(broker.AdminAddress!, "/livez")).WaitAsync(TestTimeouts.Step)).StatusCode);

        await first.RequestStream.CompleteAsync().WaitAsync(TestTimeouts.Step);
        Assert.False(await first.ResponseStream.MoveNext().WaitAsync(TestTimeouts.Step));
        await broker.WaitForActiveSessionsAsync(0);
        Assert.Equal(ServingStatus.Serving, await StatusAsync(health, Service));
    }

    private static async Task<ServingStatus> StatusAsync(Health.HealthClient health, string service) =>
        (await health.CheckAsync(new HealthCheckRequest { Service = service }).ResponseAsync.WaitAsync(TestTimeouts.Step)).Status;
}
