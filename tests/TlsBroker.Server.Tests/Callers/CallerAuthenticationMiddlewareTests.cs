using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using TlsBroker.Server.Callers;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Telemetry;

namespace TlsBroker.Server.Tests.Callers;

/// <summary>
/// Unit tests (no process, no network): a caller named without an await (open table, API key) goes on as the next
/// middleware's own task, so that a Connect stream is not wrapped in an async frame of this middleware for its lifetime.
/// </summary>
[Trait("Category", "Unit")]
public sealed class CallerAuthenticationMiddlewareTests : IDisposable
{
    private readonly string apiKey = ApiKeys.NewKey();
    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly TaskCompletionSource stream = new();

    public void Dispose() => services.Dispose();

    [Fact]
    public void InvokeAsync_NoCallersConfigured_ReturnsTheStreamsOwnTaskAsAnonymous()
    {
        var context = ConnectRequests.With(authorization: null);

        var task = Middleware(new BrokerOptions()).InvokeAsync(context);

        Assert.Same(stream.Task, task);
        Assert.Same(Caller.Anonymous, context.Features.Get<Caller>());
    }

    [Fact]
    public void InvokeAsync_ValidApiKey_ReturnsTheStreamsOwnTaskAsThatCaller()
    {
        var context = ConnectRequests.With("Bearer " + apiKey);

        var task = Middleware(WithCaller()).InvokeAsync(context);

        Assert.Same(stream.Task, task);
        Assert.Equal("billing", context.Features.Get<Caller>()?.Name);
    }

    [Fact]
    public async Task InvokeAsync_WrongApiKey_UnauthenticatedWithoutCallingTheStream()
    {
        var context = ConnectRequests.With("Bearer not-a-configured-key");

        await Middleware(WithCaller()).InvokeAsync(context).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(stream.Task.IsCompleted);
        Assert.Null(context.Features.Get<Caller>());
        Assert.Equal("16", context.Response.Headers["grpc-status"].ToString());
    }

    private BrokerOptions WithCaller()
    {
        var options = new BrokerOptions();
        options.Callers["billing"] = new CallerOptions { ApiKeyHashes = [ApiKeys.Hash(apiKey)], Policies = ["default"] };
        return options;
    }

    private CallerAuthenticationMiddleware Middleware(BrokerOptions options)
    {
        var directory = new CallerDirectory(new FixedOptionsMonitor(options), NullLoggerFactory.Instance);
        return new CallerAuthenticationMiddleware(
            _ => stream.Task, directory, new BrokerMetrics(services.GetRequiredService<IMeterFactory>()), NullLoggerFactory.Instance);
    }
}
