namespace TlsBroker.Bench.Statistics;

/// <summary>
/// Two repeated figures compared through their medians (a ratio or a difference), with the larger
/// of their two spreads: a comparison whose inputs disagree by more than 10 % across repeats is
/// flagged as noisy rather than trusted (JSON: a ratio row's "noisy" list names it).
/// </summary>
internal sealed record MedianComparison(double Value, double InputSpread)
{
    public bool IsNoisy => InputSpread > RepeatedFigure.NoisySpread;

    /// <returns>median(numerator) ÷ median(denominator); null when either was not measured or the denominator's median is not positive.</returns>
    public static MedianComparison? Divide(RepeatedFigure? numerator, RepeatedFigure? denominator) =>
        numerator is { } n && denominator is { Median: > 0 } d ? new MedianComparison(n.Median / d.Median, Math.Max(n.Spread, d.Spread)) : null;

    /// <returns>median(minuend) − median(subtrahend); null when either was not measured.</returns>
    public static MedianComparison? Subtract(RepeatedFigure? minuend, RepeatedFigure? subtrahend) =>
        minuend is { } m && subtrahend is { } s ? new MedianComparison(m.Median - s.Median, Math.Max(m.Spread, s.Spread)) : null;
}
