namespace TlsBroker.Bench.Statistics;

/// <summary>
/// One figure of a row measured several times (--repeats): the median, which the report and the
/// ratios use, and the spread, (max − min) ÷ median, which says how far the repeats disagree.
/// JSON: an object with these fields, e.g. "handshakesPerSecond": {"median": …, "spread": 0.04, …}.
/// </summary>
internal sealed record RepeatedFigure
{
    /// <summary>A spread above this (10 %) marks the figure, and every ratio computed from it, as noisy.</summary>
    public const double NoisySpread = 0.10;

    public required double Median { get; init; }

    public required double Min { get; init; }

    public required double Max { get; init; }

    /// <summary>How many repeats measured the figure (a repeat with nothing completed measures nothing).</summary>
    public required int Count { get; init; }

    /// <summary>(max − min) ÷ median: 0 for one value or equal values; infinite when the median is 0 but the values differ.</summary>
    public double Spread => Max == Min ? 0 : Median == 0 ? double.PositiveInfinity : (Max - Min) / Math.Abs(Median);

    public bool IsNoisy => Spread > NoisySpread;

    /// <summary>The median and spread of the measured values (nulls are repeats that measured nothing); null when none measured it.</summary>
    public static RepeatedFigure? Of(IEnumerable<double?> values)
    {
        var sorted = values.OfType<double>().Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        var middle = sorted.Length / 2;
        return new RepeatedFigure
        {
            Median = sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2,
            Min = sorted[0],
            Max = sorted[^1],
            Count = sorted.Length,
        };
    }
}
