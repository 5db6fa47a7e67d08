using System.Diagnostics;

namespace TlsBroker.Bench.Phases;

/// <summary>Handshake latencies of one phase, recorded from many tasks at once, and their percentiles.</summary>
internal sealed class LatencyRecorder
{
    private readonly List<long> ticks;

    /// <param name="capacity">Room for this many before the list grows (a phase that runs for a time does not know its count).</param>
    public LatencyRecorder(int capacity)
    {
        ticks = new List<long>(capacity);
    }

    public int Count
    {
        get
        {
            lock (ticks)
            {
                return ticks.Count;
            }
        }
    }

    /// <summary>Records one latency, in <see cref="Stopwatch"/> ticks.</summary>
    public void Record(long elapsed)
    {
        lock (ticks)
        {
            ticks.Add(elapsed);
        }
    }

    /// <summary>
    /// The nearest-rank percentile (the smallest recorded value with at least <paramref name="percent"/>%
    /// of the values at or below it), in milliseconds; null when nothing was recorded.
    /// </summary>
    public double? PercentileMilliseconds(double percent)
    {
        long[] sorted;
        lock (ticks)
        {
            sorted = [.. ticks];
        }

        var recorded = sorted.Length;
        if (recorded == 0)
        {
            return null;
        }

        Array.Sort(sorted);
        var rank = (int)Math.Ceiling(percent / 100 * recorded);
        return sorted[Math.Clamp(rank, 1, recorded) - 1] * 1000.0 / Stopwatch.Frequency;
    }
}
