using Grpc.Core;
using TlsBroker.Server.Tests.Infrastructure;

namespace TlsBroker.Server.Tests;

/// <summary>
/// A caller that opens a stream and never sends Start is cut off after the handshake timeout
/// (here the real clock with a short configured timeout: the call's start is not observable from
/// the test, so a fake clock could be advanced before the broker reads it).
/// </summary>
[Trait("Category", "Functional")]
public sealed class StartDeadlineTests : IAsyncLifetime
{
    private BrokerHost broker = null!;

    public async Task InitializeAsync() => broker = await BrokerHost.StartAsync(["Broker:HandshakeTimeout=00:00:00.300"]);

    public async Task DisposeAsync() => await broker.DisposeAsync();

    [Fact]
    public async Task Connect_NoStartMessage_DeadlineExceeded()
    {
        using var call = broker.Client.Connect();

        var detail = await CallAssert.EndsWithAsync(call, StatusCode.DeadlineExceeded);

        Assert.Contains("no start message", detail, StringComparison.Ordinal);
    }
}
