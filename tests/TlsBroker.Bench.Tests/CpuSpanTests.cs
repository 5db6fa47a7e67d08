namespace TlsBroker.Bench.Tests;

/// <summary>Adding up the CPU of a run's slices.</summary>
[Trait("Category", "Unit")]
public sealed class CpuSpanTests
{
    [Fact]
    public void Add_BothMeasuredTheOtherProcess_EveryPartSummed()
    {
        var sum = Span(10, 20, 1, 2) + Span(100, 200, 3, 4);

        Assert.Equal(Span(110, 220, 4, 6), sum);
        Assert.Equal(TimeSpan.FromMilliseconds(330), sum.Total);
    }

    [Fact]
    public void Add_OneSliceWithoutTheOtherProcess_OtherUnknown()
    {
        var sum = Span(10, 20, 1, 2) + new CpuSpan(TimeSpan.FromMilliseconds(5), null, TimeSpan.Zero, null);

        Assert.Null(sum.Other);
        Assert.Null(sum.OtherJit);
        Assert.Equal(TimeSpan.FromMilliseconds(15), sum.Bench);
    }

    [Fact]
    public void Add_None_Unchanged()
    {
        var span = new CpuSpan(TimeSpan.FromMilliseconds(7), null, TimeSpan.FromMilliseconds(1), null);

        Assert.Equal(span, CpuSpan.None + span);
    }

    private static CpuSpan Span(int bench, int other, int benchJit, int otherJit) => new(
        TimeSpan.FromMilliseconds(bench), TimeSpan.FromMilliseconds(other), TimeSpan.FromMilliseconds(benchJit), TimeSpan.FromMilliseconds(otherJit));
}
