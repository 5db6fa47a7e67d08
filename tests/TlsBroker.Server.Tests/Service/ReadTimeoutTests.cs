using Microsoft.Extensions.Time.Testing;
using TlsBroker.Server.Service;

namespace TlsBroker.Server.Tests.Service;

/// <summary>Unit tests (no process, no network): what cancels the token a read waits on, on a FakeTimeProvider's clock.</summary>
[Trait("Category", "Unit")]
public sealed class ReadTimeoutTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly CancellationTokenSource call = new();
    private readonly CancellationTokenSource drainExpired = new();
    private readonly CallTimeouts timeouts;
    private readonly ReadTimeout timeout;

    public ReadTimeoutTests()
    {
        timeouts = new CallTimeouts(time, new CallCancellation(call.Token, drainExpired.Token));
        timeout = timeouts.Reads;
    }

    public void Dispose()
    {
        timeouts.Dispose();
        call.Dispose();
        drainExpired.Dispose();
    }

    [Fact]
    public void Arm_DeadlinePasses_CancelsAndIsExpired()
    {
        var token = timeout.Arm(Deadline);
        time.Advance(Deadline - TimeSpan.FromMilliseconds(1));
        Assert.False(token.IsCancellationRequested);

        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(token.IsCancellationRequested);
        Assert.True(timeout.Expired);
    }

    [Fact]
    public void Arm_CallCancelled_CancelsAndIsNotExpired()
    {
        var token = timeout.Arm(Deadline);

        call.Cancel();

        Assert.True(token.IsCancellationRequested);
        Assert.False(timeout.Expired);
        Assert.True(timeout.IsStopped);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Arm_CallCancelledOrDrainExpired_CancelsReadAndWriteAndNeitherIsExpired(bool drain)
    {
        var read = timeouts.Reads.Arm(Deadline);
        var write = timeouts.Writes.Arm(Deadline);

        (drain ? drainExpired : call).Cancel();

        Assert.True(read.IsCancellationRequested);
        Assert.True(write.IsCancellationRequested);
        Assert.False(timeouts.Reads.Expired || timeouts.Writes.Expired);
        Assert.True(timeouts.Reads.IsStopped && timeouts.Writes.IsStopped);
    }

    [Fact]
    public void CallTimeouts_CallAlreadyCancelled_EveryReadAndWriteCancelledAtOnce()
    {
        call.Cancel();
        using var late = new CallTimeouts(time, new CallCancellation(call.Token, drainExpired.Token));

        Assert.True(late.Reads.Arm(Deadline).IsCancellationRequested);
        Assert.True(late.Writes.Arm(Deadline).IsCancellationRequested);
    }

    [Fact]
    public void Dispose_ThenCallCancelled_NoCallbackReachesTheDisposedSources()
    {
        var disposed = new CallTimeouts(time, new CallCancellation(call.Token, drainExpired.Token));
        disposed.Dispose();

        var error = Record.Exception(() =>
        {
            call.Cancel();
            drainExpired.Cancel();
        });

        Assert.Null(error);
    }

    [Fact]
    public void Stop_WhileArmed_CancelsAndIsNotExpired()
    {
        var token = timeout.Arm(Deadline);

        timeout.Stop();

        Assert.True(token.IsCancellationRequested);
        Assert.False(timeout.Expired);
        Assert.False(call.IsCancellationRequested, "stopping the reads cancelled the call");
    }

    [Fact]
    public async Task StopAsync_WhileArmed_CompletesOnceTheReadIsCancelled()
    {
        var token = timeout.Arm(Deadline);
        var cancelled = 0;
        using var registration = token.Register(() => Interlocked.Increment(ref cancelled));

        await timeout.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, cancelled);
        Assert.False(timeout.Expired);
    }

    [Fact]
    public void Arm_AfterDeadlineRaceAndStop_ReturnsACancelledToken()
    {
        timeout.Arm(Deadline);
        time.Advance(Deadline);
        timeout.Stop();

        // The spent source is replaced; the new one must carry the stop.
        timeout.Disarm();

        Assert.True(timeout.Arm(Deadline).IsCancellationRequested);
        Assert.False(timeout.Expired);
    }

    [Fact]
    public void Disarm_AfterCompletedRead_NextReadGetsAFreshDeadline()
    {
        timeout.Arm(Deadline);
        time.Advance(Deadline - TimeSpan.FromSeconds(1));
        timeout.Disarm();

        var token = timeout.Arm(Deadline);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.False(token.IsCancellationRequested);
        Assert.False(timeout.Expired);
    }
}
