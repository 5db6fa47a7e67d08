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
    private readonly ReadTimeout timeout;

    public ReadTimeoutTests() => timeout = new ReadTimeout(time, call.Token);

    public void Dispose()
    {
        timeout.Dispose();
        call.Dispose();
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
