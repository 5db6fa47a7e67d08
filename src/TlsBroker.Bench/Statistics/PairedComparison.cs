namespace TlsBroker.Bench.Statistics;

/// <summary>
/// Two rows compared repeat by repeat. The paths of one repeat run in alternating slices (or turns), so
/// repeat i of one row and repeat i of the other saw the same stretch of the machine: their ratio (or
/// difference) cancels whatever made a whole repeat fast or slow for every path, which a ratio of the rows'
/// medians keeps. The comparison is the median of the per-repeat values and its spread is theirs, so a
/// comparison that moves by more than 10 % from repeat to repeat is flagged as noisy.
/// </summary>
internal static class PairedComparison
{
    /// <returns>numerator ÷ denominator per repeat; null when no repeat measured both with a positive denominator.</returns>
    public static RepeatedFigure? Divide(IReadOnlyList<double?>? numerators, IReadOnlyList<double?>? denominators) =>
        PerRepeat(numerators, denominators, static (numerator, denominator) => denominator > 0 ? numerator / denominator : null);

    /// <returns>minuend − subtrahend per repeat; null when no repeat measured both.</returns>
    public static RepeatedFigure? Subtract(IReadOnlyList<double?>? minuends, IReadOnlyList<double?>? subtrahends) =>
        PerRepeat(minuends, subtrahends, static (minuend, subtrahend) => minuend - subtrahend);

    private static RepeatedFigure? PerRepeat(IReadOnlyList<double?>? left, IReadOnlyList<double?>? right, Func<double, double, double?> combine) =>
        left is null || right is null
            ? null
            : RepeatedFigure.Of(left.Zip(right, (l, r) => l is { } leftValue && r is { } rightValue ? combine(leftValue, rightValue) : null));
}
