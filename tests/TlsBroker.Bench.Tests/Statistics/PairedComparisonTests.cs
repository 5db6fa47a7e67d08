using TlsBroker.Bench.Statistics;

namespace TlsBroker.Bench.Tests.Statistics;

[Trait("Category", "Unit")]
public sealed class PairedComparisonTests
{
    [Fact]
    public void Divide_PerRepeatRatios_MedianAndSpreadOfThoseRatios()
    {
        var ratio = PairedComparison.Divide([50, 180, 60], [100, 200, 50])!;

        Assert.Equal(180.0 / 200, ratio.Median, precision: 12);
        Assert.Equal(50.0 / 100, ratio.Min, precision: 12);
        Assert.Equal(60.0 / 50, ratio.Max, precision: 12);
        Assert.True(ratio.IsNoisy);
    }

    [Fact]
    public void Divide_RepeatMissingOnEitherSideOrZeroDenominator_LeftOut()
    {
        var ratio = PairedComparison.Divide([10, null, 30, 40], [20, 20, null, 0])!;

        Assert.Equal(1, ratio.Count);
        Assert.Equal(0.5, ratio.Median, precision: 12);
    }

    [Fact]
    public void Divide_RowNotMeasuredOrNoPair_Null()
    {
        Assert.Null(PairedComparison.Divide([1.0], null));
        Assert.Null(PairedComparison.Divide(null, [1.0]));
        Assert.Null(PairedComparison.Divide([1.0, null], [0, 2.0]));
    }

    [Fact]
    public void Subtract_PerRepeatDifferences_MedianAndSpread()
    {
        var difference = PairedComparison.Subtract([2.0, 2.2, 2.4], [1.9, 2.0, 2.1])!;

        Assert.Equal(2.2 - 2.0, difference.Median, precision: 12);
        Assert.Equal(((2.4 - 2.1) - (2.0 - 1.9)) / (2.2 - 2.0), difference.Spread, precision: 12);
        Assert.True(difference.IsNoisy);
    }
}
