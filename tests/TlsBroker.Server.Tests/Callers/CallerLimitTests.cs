using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using TlsBroker.Contracts.V1;
using TlsBroker.Server.Callers;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing;

namespace TlsBroker.Server.Tests.Callers;

/// <summary>
/// Per-caller limits: "single" may hold one session at a time, "slow" may start one session per
/// second. Over the limit a call ends with RESOURCE_EXHAUSTED and a message naming the limit; the
/// other caller is not affected, and the limit frees up.
/// </summary>
[Trait("Category", "Functional")]
public sealed class CallerLimitTests : IAsyncLifetime
{
    private readonly string singleKey = ApiKeys.NewKey();
    private readonly string slowKey = ApiKeys.NewKey();
    private BrokerHost broker = null!;
    private GrpcChannel channel = null!;
    private BrokerMeasurements measurements = null!;

    public async Task InitializeAsync()
    {
        broker = await BrokerHost.StartAsync(
        [
            $"Broker:Callers:single:ApiKeyHashes:0={ApiKeys.Hash(singleKey)}",
            "Broker:Callers:single:Policies:0=*",
            "Broker:Callers:single:MaxConcurrentSessions=1",
            $"Broker:Callers:slow:ApiKeyHashes:0={ApiKeys.Hash(slowKey)}",
            "Broker:Callers:slow:Policies:0=*",
            "Broker:Callers:slow:HandshakesPerSecond=1",
        ]);
        channel = GrpcChannel.ForAddress(broker.Address);
        measurements = new BrokerMeasurements(broker);
    }

    public async Task DisposeAsync()
    {
        measurements.Dispose();
        channel.Dispose();
        await broker.DisposeAsync();
    }

    [Fact]
    public async Task Connect_OverConcurrentSessions_ResourceExhaustedUntilOneEnds()
    {
        var single = CallerClients.WithApiKey(channel, singleKey);
        var held = single.Connect();
        await CallAssert.ExchangeAsync(held, Requests.StartRequest("localhost"));

        var (_, refused) = await CallerClients.StartAsync(single);
        var (_, otherCaller) = await CallerClients.StartAsync(CallerClients.WithApiKey(channel, slowKey));
        held.Dispose();
        var freed = await RetryUntilAcceptedAsync(single);

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal("limit reached: caller 'single' may hold 1 sessions at once; retry when one has ended", refused.Detail);
        Assert.Equal(StatusCode.OK, otherCaller.StatusCode);
        Assert.Equal(StatusCode.OK, freed.StatusCode);
    }

    [Fact]
    public async Task Connect_OverHandshakesPerSecond_ResourceExhaustedThenFreesUp()
    {
        var slow = CallerClients.WithApiKey(channel, slowKey);
        var statuses = new List<Status>();
        var elapsed = Stopwatch.StartNew();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await CallerClients.StartAsync(slow)).Status);
        }

        elapsed.Stop();
        var accepted = statuses.Count(status => status.StatusCode == StatusCode.OK);
        var refused = statuses.Where(status => status.StatusCode != StatusCode.OK).ToList();
        var freed = await RetryUntilAcceptedAsync(slow);

        // One token at first, one more per second since: a slow machine may see more accepted, never more than that.
        Assert.InRange(accepted, 1, 1 + (int)Math.Ceiling(elapsed.Elapsed.TotalSeconds));
        Assert.NotEmpty(refused);
        Assert.All(refused, status =>
        {
            Assert.Equal(StatusCode.ResourceExhausted, status.StatusCode);
            Assert.StartsWith("limit reached: caller 'slow' may start 1 sessions per second; retry in ", status.Detail, StringComparison.Ordinal);
        });
        Assert.Equal(StatusCode.OK, freed.StatusCode);
        // The retries until one is accepted may have been refused too.
        Assert.InRange(measurements.Sum("tlsbroker.calls.rejected", ("tlsbroker.reason", "limit")), refused.Count, long.MaxValue);
    }

    [Fact]
    public async Task Connect_WrongApiKey_UnauthenticatedAndCountedAsAuth()
    {
        var (_, status) = await CallerClients.StartAsync(CallerClients.WithApiKey(channel, ApiKeys.NewKey()));

        Assert.Equal(StatusCode.Unauthenticated, status.StatusCode);
        Assert.Equal(1, measurements.Sum("tlsbroker.calls.rejected", ("tlsbroker.reason", "auth")));
        Assert.Equal(0, measurements.Sum("tlsbroker.calls.rejected", ("tlsbroker.reason", "limit")));
    }

    /// <summary>Starts sessions (each ended at once) until one is accepted, within one step's time.</summary>
    private static async Task<Status> RetryUntilAcceptedAsync(BrokerService.BrokerServiceClient client)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Step);
        while (true)
        {
            var (_, status) = await CallerClients.StartAsync(client);
            if (status.StatusCode != StatusCode.ResourceExhausted || timeout.IsCancellationRequested)
            {
                return status;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
        }
    }
}
