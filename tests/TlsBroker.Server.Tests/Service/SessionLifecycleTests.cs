using System.Diagnostics.Metrics;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TlsBroker.Server.Audit;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Service;
using TlsBroker.Server.Sessions;
using TlsBroker.Server.Telemetry;
using TlsBroker.Server.Tests.Infrastructure;

namespace TlsBroker.Server.Tests.Service;

/// <summary>Unit tests (no process, no network): a session's slot is taken once and given back once, however often its end is reported.</summary>
[Trait("Category", "Unit")]
public sealed class SessionLifecycleTests : IDisposable
{
    private readonly ServiceProvider services;
    private readonly ActiveSessions activeSessions;
    private readonly SessionAudit audit = new(new FakeTimeProvider());
    private readonly CapturingLoggerProvider logs = new();
    private readonly SessionLifecycle lifecycle;

    public SessionLifecycleTests()
    {
        services = new ServiceCollection()
            .AddMetrics()
            .Configure<BrokerOptions>(options => options.MaxConcurrentSessions = 1)
            .BuildServiceProvider();
        activeSessions = new ActiveSessions(
            services.GetRequiredService<IOptionsMonitor<BrokerOptions>>(), new BrokerMetrics(services.GetRequiredService<IMeterFactory>()));
        lifecycle = new SessionLifecycle(activeSessions, audit, logs.CreateLogger("test"), "s1");
    }

    public void Dispose()
    {
        services.Dispose();
        logs.Dispose();
    }

    [Fact]
    public void End_ReportedTwice_SlotGivenBackOnceAndCloseLoggedOnce()
    {
        Assert.True(lifecycle.TryStart());
        Assert.Equal(1, activeSessions.Count);

        lifecycle.End("closed by the server (close_notify)");
        lifecycle.End("stream ended");

        Assert.Equal(0, activeSessions.Count);
        var closed = Assert.Single(logs.Entries, entry => entry.EventId.Id == 4);
        Assert.Equal("Session s1 closed: closed by the server (close_notify)", closed.Message);
    }

    [Fact]
    public void End_NeverStarted_NoSlotGivenBackAndNoCloseLogged()
    {
        var other = new SessionLifecycle(activeSessions, audit, logs.CreateLogger("test"), "s2");
        Assert.True(other.TryStart());

        lifecycle.End("INVALID_ARGUMENT: first message must be start", StatusCode.InvalidArgument);

        Assert.Equal(1, activeSessions.Count);
        Assert.DoesNotContain(logs.Entries, entry => entry.EventId.Id == 4);
    }

    [Fact]
    public void TryStart_EverySlotTaken_FalseAndHoldsNothing()
    {
        var other = new SessionLifecycle(activeSessions, audit, logs.CreateLogger("test"), "s2");
        Assert.True(other.TryStart());

        Assert.False(lifecycle.TryStart());
        lifecycle.End("RESOURCE_EXHAUSTED", StatusCode.ResourceExhausted);

        Assert.Equal(1, activeSessions.Count);
        Assert.Equal(1, lifecycle.SlotLimit);
    }

    [Fact]
    public void End_FirstStatusCounts_AuditKeepsTheFirst()
    {
        Assert.True(lifecycle.TryStart());

        lifecycle.End("DeadlineExceeded", StatusCode.DeadlineExceeded);
        lifecycle.End("caller cancelled or disconnected", StatusCode.Cancelled);

        Assert.Equal(nameof(StatusCode.DeadlineExceeded), audit.Complete("anonymous", "s1", null).GrpcStatus);
    }
}
