using Microsoft.Extensions.Options;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Logging;

namespace TlsBroker.Server.Sessions;

/// <summary>
/// Graceful shutdown. When the host stops (SIGTERM), every hosted service's StoppingAsync runs before
/// any StopAsync, so Kestrel keeps listening and serving while this one drains: from then on health is NOT_SERVING and a new stream is refused with
/// UNAVAILABLE, live sessions get <see cref="BrokerOptions.DrainTimeout"/> to end on their own, and
/// then <see cref="Expired"/> ends the rest with UNAVAILABLE, so that none is cut without a status.
/// </summary>
internal sealed class BrokerDrain(ActiveSessions sessions, IOptionsMonitor<BrokerOptions> options, TimeProvider timeProvider, ILogger<BrokerDrain> logger)
    : IHostedLifecycleService, IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How long the streams ended by <see cref="Expired"/> get to send their status before Kestrel stops.</summary>
    private static readonly TimeSpan StatusGrace = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource expired = new();
    private volatile bool draining;

    public bool IsDraining => draining;

    /// <summary>Cancelled when the drain time has passed: the sessions still live end then.</summary>
    public CancellationToken Expired => expired.Token;

    public TimeSpan DrainTimeout { get; } = options.CurrentValue.DrainTimeout;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        draining = true;
        var started = timeProvider.GetTimestamp();
        BrokerLog.DrainStarted(logger, sessions.Count, DrainTimeout);
        await WaitForSessionsAsync(DrainTimeout, cancellationToken);

        var elapsed = timeProvider.GetElapsedTime(started);
        BrokerLog.DrainEnded(logger, elapsed.TotalMilliseconds, sessions.Count);
        await expired.CancelAsync();
        await WaitForSessionsAsync(StatusGrace, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => expired.Dispose();

    private async Task WaitForSessionsAsync(TimeSpan limit, CancellationToken hostGivesUp)
    {
        var deadline = timeProvider.GetUtcNow() + limit;
        using var timer = new PeriodicTimer(PollInterval, timeProvider);
        try
        {
            while (sessions.Count > 0 && timeProvider.GetUtcNow() < deadline)
            {
                await timer.WaitForNextTickAsync(hostGivesUp);
            }
        }
        catch (OperationCanceledException) when (hostGivesUp.IsCancellationRequested)
        {
            // The host's own shutdown timeout came first; what is left is aborted by Kestrel.
        }
    }
}
