using TlsBroker.Bench.Phases;

namespace TlsBroker.Bench.Tests.Phases;

/// <summary>Cutting a timed phase into slices that alternate with the other paths' slices.</summary>
[Trait("Category", "Unit")]
public sealed class PhaseLengthTests
{
    [Theory]
    [InlineData(3.0, 0.5, 6)]
    [InlineData(1.0, 0.5, 2)]
    [InlineData(1.2, 0.5, 2)]
    [InlineData(0.4, 0.5, 1)]
    public void Slices_Duration_EqualSlicesAddingUpToIt(double seconds, double sliceSeconds, int expectedSlices)
    {
        var length = PhaseLength.For(TimeSpan.FromSeconds(seconds));

        var slices = length.Slices(TimeSpan.FromSeconds(sliceSeconds));

        Assert.Equal(expectedSlices, slices.Count);
        Assert.All(slices, slice => Assert.Null(slice.Count));
        Assert.Single(slices.Distinct());
        Assert.Equal(seconds, slices.Sum(slice => slice.Duration.TotalSeconds), 6);
    }

    [Fact]
    public void Slices_Count_OneSliceWithTheWholeCount()
    {
        var length = PhaseLength.Of(500);

        Assert.Equal([length], length.Slices(TimeSpan.FromSeconds(0.5)));
    }
}
