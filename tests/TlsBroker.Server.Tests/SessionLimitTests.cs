using Grpc.Core;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing;

namespace TlsBroker.Server.Tests;

/// <summary>Broker:MaxConcurrentSessions is enforced, and a freed slot can be taken again.</summary>
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
}
