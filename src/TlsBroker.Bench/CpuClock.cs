using System.Diagnostics;
using System.Runtime;
using TlsBroker.Bench.Processes;
using TlsBroker.Bench.Warmup;

namespace TlsBroker.Bench;

/// <summary>
/// CPU time (user + system) of the bench process, plus one other process when the path runs
/// there too (the broker), and the time each spent in the JIT. Read at the start and end of a
/// phase; the difference is the phase's cost. JIT time inside a measured phase means the warm-up
/// was too short for the figures to describe a running service.
/// </summary>
internal sealed class CpuClock
{
    private readonly Process? other;
    private readonly Uri? otherAdmin;

    /// <param name="other">The broker process, or null for paths that run entirely in the bench.</param>
    /// <param name="otherAdmin">The broker's admin address, whose /metrics publish its JIT time; null when unknown.</param>
    public CpuClock(Process? other, Uri? otherAdmin)
    {
        this.other = other;
        this.otherAdmin = otherAdmin;
    }

    /// <summary>Whether <see cref="CpuSample.Other"/> is measured.</summary>
    public bool HasOther => other is not null;

    /// <summary>
    /// Reads the other process's JIT time first on the way in and last on the way out, so that the
    /// scrape's own cost stays outside the CPU figures it brackets.
    /// </summary>
    public async Task<CpuSample> ReadAsync(bool atStart, CancellationToken cancellationToken)
    {
        var otherJit = atStart ? await OtherJitAsync(cancellationToken) : null;
        using var self = Process.GetCurrentProcess();
        var bench = self.TotalProcessorTime;
        var benchJit = JitInfo.GetCompilationTime(currentThread: false);
        var otherCpu = OtherProcessorTime();

        if (!atStart)
        {
            otherJit = await OtherJitAsync(cancellationToken);
        }

        return new CpuSample(bench, otherCpu, benchJit, otherJit);
    }

    /// <summary>
    /// Waits until the bench and the other process use less than <paramref name="busyShare"/> of one
    /// CPU over a poll (or until <paramref name="longest"/>): what a slice of work leaves behind
    /// (connections closing, sessions ending, a collection) then finishes before the next slice,
    /// inside this slice's CPU figure instead of slowing another path's slice and counting as its CPU.
    /// </summary>
    public async Task WaitUntilQuietAsync(double busyShare, TimeSpan longest, CancellationToken cancellationToken)
    {
        var poll = TimeSpan.FromMilliseconds(10);
        var started = Stopwatch.GetTimestamp();
        var before = ProcessorTime();
        while (Stopwatch.GetElapsedTime(started) < longest)
        {
            var wallBefore = Stopwatch.GetTimestamp();
            await Task.Delay(poll, cancellationToken);
            var after = ProcessorTime();
            if ((after - before) / Stopwatch.GetElapsedTime(wallBefore) < busyShare)
            {
                return;
            }

            before = after;
        }
    }

    /// <summary>The JIT counters of the bench and, when its admin address is known, the other process, for a warm-up's settle check.</summary>
    public async Task<JitReading> ReadJitAsync(CancellationToken cancellationToken)
    {
        var bench = new JitCounters(JitInfo.GetCompiledMethodCount(currentThread: false), JitInfo.GetCompilationTime(currentThread: false));
        var other = otherAdmin is { } admin ? await BrokerAdminMetrics.JitCountersAsync(admin, cancellationToken) : null;
        return new JitReading(bench, other);
    }

    private TimeSpan ProcessorTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime + (OtherProcessorTime() ?? TimeSpan.Zero);
    }

    /// <summary>The other process's CPU time so far; null when there is none or it has exited.</summary>
    private TimeSpan? OtherProcessorTime()
    {
        if (other is null)
        {
            return null;
        }

        other.Refresh();
        return other.HasExited ? null : other.TotalProcessorTime;
    }

    private async Task<TimeSpan?> OtherJitAsync(CancellationToken cancellationToken) =>
        otherAdmin is { } admin ? await BrokerAdminMetrics.JitTimeAsync(admin, cancellationToken) : null;
}
