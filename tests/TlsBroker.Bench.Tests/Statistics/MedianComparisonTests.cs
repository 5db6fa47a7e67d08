using TlsBroker.Bench.Statistics;

namespace TlsBroker.Bench.Tests.Statistics;

/// <summary>Ratios and differences of medians, carrying the larger spread of their two inputs.</summary>
[Trait("Category", "Unit")]
public sealed class MedianComparisonTests
{
    private static RepeatedFigure Figure(params double[] values) => RepeatedFigure.Of(values.Select(v => (double?)v))!;

    [Fact]
    public void Divide_TwoFigures_RatioOfMediansNotMedianOfRatios()
    {
        // Per-repeat ratios 1/10, 5/1, 3/3 have median 1; the medians are 3 and 3.
        var ratio = MedianComparison.Divide(Figure(1, 5, 3), Figure(10, 1, 3))!;

        Assert.Equal(1.0, ratio.Value, precision: 12);
    }

    [Fact]
    public void Divide_OneInputSpreadsMoreThanTenPercent_FlaggedWithThatSpread()
    {
        var quiet = Figure(99, 100, 101);
        var noisy = Figure(80, 100, 120);

        var ratio = MedianComparison.Divide(quiet, noisy)!;

        Assert.Equal(0.4, ratio.InputSpread, precision: 12);
        Assert.True(ratio.IsNoisy);
        Assert.False(MedianComparison.Divide(quiet, quiet)!.IsNoisy);
    }

    [Fact]
    public void Divide_MissingOrZeroDenominator_IsNull()
    {
        Assert.Null(MedianComparison.Divide(Figure(1), null));
        Assert.Null(MedianComparison.Divide(null, Figure(1)));
        Assert.Null(MedianComparison.Divide(Figure(1), Figure(0)));
    }

    [Fact]
    public void Subtract_TwoFigures_DifferenceOfMediansWithLargerSpread()
    {
        var difference = MedianComparison.Subtract(Figure(2.0, 2.2, 2.4), Figure(1.9, 2.0, 2.1))!;

        Assert.Equal(0.2, difference.Value, precision: 12);
        Assert.Equal(0.4 / 2.2, difference.InputSpread, precision: 12);
        Assert.True(difference.IsNoisy);
    }
}
