using System.Diagnostics;

namespace TlsBroker.Bench.Phases;

/// <summary>Handshake latencies of one phase, recorded from many tasks at once, and their percentiles.</summary>
internal sealed class LatencyRecorder
{
    private readonly long[] ticks;
    private int count;

    public LatencyRecorder(int capacity)
    {
        ticks = new long[capacity];
    }

    public int Count => Math.Min(Volatile.Read(ref count), ticks.Length);

    /// <summary>Records one latency, in <see cref="Stopwatch"/> ticks.</summary>
    public void Record(long elapsed)
    {
        var index = Interlocked.Increment(ref count) - 1;
        if (index < ticks.Length)
        {
            ticks[index] = elapsed;
        }
    }

    /// <summary>
    /// The nearest-rank percentile (the smallest recorded value with at least <paramref name="percent"/>%
    /// of the values at or below it), in milliseconds; null when nothing was recorded.
    /// </summary>
    public double? PercentileMilliseconds(double percent)
    {
        var recorded = Count;
        if (recorded == 0)
        {
            return null;
        }

        var sorted = ticks[..recorded];
        Array.Sort(sorted);
        var rank = (int)Math.Ceiling(percent / 100 * recorded);
        return sorted[Math.Clamp(rank, 1, recorded) - 1] * 1000.0 / Stopwatch.Frequency;
    }
}
