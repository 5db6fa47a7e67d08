namespace TlsBroker.Server.Service;

/// <summary>
/// Cancels the read (or response write) a call is waiting on when its deadline passes (on the injected
/// <see cref="TimeProvider"/>'s clock), or once <see cref="Stop"/> is called, which <see cref="CallTimeouts"/> does when
/// the call is cancelled. One token source serves every read of the call, armed before the read and disarmed after it,
/// so a waiting session holds one timer and a message costs no new source, timer or link; stopping needs no linked source of its own.
/// </summary>
internal sealed class ReadTimeout : IDisposable
{
    private readonly TimeProvider timeProvider;
    private readonly CallCancellation callCancelled;
    private volatile CancellationTokenSource source;
    private volatile bool stopped;

    public ReadTimeout(TimeProvider timeProvider, CallCancellation callCancelled)
    {
        this.timeProvider = timeProvider;
        this.callCancelled = callCancelled;
        source = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
    }

    /// <summary>True when the last read was cancelled by its deadline rather than by the call or <see cref="Stop"/>.</summary>
    public bool Expired => source.IsCancellationRequested && !IsStopped;

    /// <summary>The call was cancelled or <see cref="Stop"/> was called: every read from now on is cancelled at once.</summary>
    public bool IsStopped => stopped || callCancelled.IsCancellationRequested;

    /// <summary>Arms the deadline for the next read and returns the token that read waits on.</summary>
    public CancellationToken Arm(TimeSpan timeout)
    {
        source.CancelAfter(timeout);
        return source.Token;
    }

    /// <summary>After a read that completed: stops the timer and keeps the source for the next read.</summary>
    public void Disarm()
    {
        if (source.TryReset())
        {
            return;
        }

        // The deadline passed just as the message arrived, so the message was in time, but this
        // source is spent. Its timer fired and is gone, so it needs no Dispose; leaving it undisposed
        // also keeps a call cancellation that still holds it from hitting a disposed source.
        source = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        if (IsStopped)
        {
            source.Cancel();
        }
    }

    /// <summary>Cancels the read waiting now and every later one, as the call's cancellation would.</summary>
    public void Stop()
    {
        stopped = true;
        source.Cancel();
    }

    /// <summary><see cref="Stop"/>, with the cancelled read's callbacks run off this thread; completes when they have run.</summary>
    public Task StopAsync()
    {
        stopped = true;
        return source.CancelAsync();
    }

    public void Dispose() => source.Dispose();
}
