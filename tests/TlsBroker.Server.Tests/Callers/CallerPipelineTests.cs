using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TlsBroker.Server.Callers;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Hosting;
using TlsBroker.Server.Telemetry;

namespace TlsBroker.Server.Tests.Callers;

/// <summary>
/// Unit tests (no process, no network) of the caller pipeline (<see cref="BrokerCallersApplicationBuilderExtensions.UseTlsBrokerCallers"/>):
/// an anonymous Connect stream goes on as its own task, not wrapped by the rate limiter's middleware for its lifetime,
/// and a caller with limits still goes through them.
/// </summary>
[Trait("Category", "Unit")]
public sealed class CallerPipelineTests : IDisposable
{
    private readonly string apiKey = ApiKeys.NewKey();
    private readonly TaskCompletionSource stream = new();
    private ServiceProvider? services;
    private int streamsStarted;

    public void Dispose()
    {
        stream.TrySetResult();
        services?.Dispose();
    }

    [Fact]
    public void Pipeline_AnonymousCaller_ReturnsTheStreamsOwnTask()
    {
        var pipeline = Pipeline(new BrokerOptions());
        var context = ConnectRequests.With(authorization: null, services);

        var task = pipeline(context);

        Assert.Same(stream.Task, task);
        Assert.Same(Caller.Anonymous, context.Features.Get<Caller>());
    }

    [Fact]
    public async Task Pipeline_CallerAtItsConcurrentSessionLimit_NextStreamRefusedWithResourceExhausted()
    {
        var options = new BrokerOptions();
        options.Callers["billing"] = new CallerOptions { ApiKeyHashes = [ApiKeys.Hash(apiKey)], Policies = ["default"], MaxConcurrentSessions = 1 };
        var pipeline = Pipeline(options);

        var first = pipeline(ConnectRequests.With("Bearer " + apiKey, services));
        var refused = ConnectRequests.With("Bearer " + apiKey, services);
        await pipeline(refused).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.NotSame(stream.Task, first);
        Assert.False(first.IsCompleted);
        Assert.Equal(1, streamsStarted);
        Assert.Equal("8", refused.Response.Headers["grpc-status"].ToString());
    }

    private RequestDelegate Pipeline(BrokerOptions options)
    {
        services = new ServiceCollection()
            .AddLogging()
            .AddMetrics()
            .AddSingleton<IOptionsMonitor<BrokerOptions>>(new FixedOptionsMonitor(options))
            .AddSingleton<CallerDirectory>()
            .AddSingleton<BrokerMetrics>()
            .AddRateLimiter(CallerRateLimiting.Configure)
            .BuildServiceProvider();
        var app = new ApplicationBuilder(services);
        app.UseTlsBrokerCallers();
        app.Run(_ =>
        {
            Interlocked.Increment(ref streamsStarted);
            return stream.Task;
        });
        return app.Build();
    }
}
