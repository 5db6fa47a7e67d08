using TlsBroker.Bench.Statistics;

namespace TlsBroker.Bench.Tests.Statistics;

/// <summary>The median and spread of a row's repeats, and when they count as noisy.</summary>
[Trait("Category", "Unit")]
public sealed class RepeatedFigureTests
{
    [Theory]
    [InlineData(new[] { 3.0, 1.0, 2.0 }, 2.0, 1.0, 3.0)]
    [InlineData(new[] { 4.0, 1.0, 3.0, 2.0 }, 2.5, 1.0, 4.0)]
    [InlineData(new[] { 7.0 }, 7.0, 7.0, 7.0)]
    public void Of_Values_MedianMinAndMax(double[] values, double median, double min, double max)
    {
        var figure = RepeatedFigure.Of(values.Select(v => (double?)v))!;

        Assert.Equal(median, figure.Median, precision: 12);
        Assert.Equal(min, figure.Min);
        Assert.Equal(max, figure.Max);
        Assert.Equal(values.Length, figure.Count);
    }

    [Fact]
    public void Of_SomeRepeatsMeasuredNothing_LeavesThemOut()
    {
        var figure = RepeatedFigure.Of([null, 10.0, null, 30.0])!;

        Assert.Equal(2, figure.Count);
        Assert.Equal(20.0, figure.Median, precision: 12);
    }

    [Fact]
    public void Of_NothingMeasured_IsNull()
    {
        Assert.Null(RepeatedFigure.Of([null, null]));
        Assert.Null(RepeatedFigure.Of([]));
    }

    [Theory]
    [InlineData(new[] { 95.0, 100.0, 105.0 }, 0.10, false)]
    [InlineData(new[] { 94.0, 100.0, 105.0 }, 0.11, true)]
    [InlineData(new[] { 100.0, 100.0, 100.0 }, 0.0, false)]
    [InlineData(new[] { 50.0, 100.0, 200.0 }, 1.5, true)]
    public void Spread_MaxMinusMinOverMedian_NoisyAboveTenPercent(double[] values, double spread, bool noisy)
    {
        var figure = RepeatedFigure.Of(values.Select(v => (double?)v))!;

        Assert.Equal(spread, figure.Spread, precision: 12);
        Assert.Equal(noisy, figure.IsNoisy);
    }

    [Fact]
    public void Spread_ZeroMedianWithDifferentValues_IsInfiniteAndNoisy()
    {
        var figure = RepeatedFigure.Of([-1.0, 0.0, 1.0])!;

        Assert.True(double.IsPositiveInfinity(figure.Spread));
        Assert.True(figure.IsNoisy);
    }
}
