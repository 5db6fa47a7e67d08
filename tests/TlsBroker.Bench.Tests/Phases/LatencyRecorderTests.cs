using System.Diagnostics;
using TlsBroker.Bench.Phases;

namespace TlsBroker.Bench.Tests.Phases;

/// <summary>Nearest-rank percentiles: the smallest value with at least p% of the values at or below it.</summary>
[Trait("Category", "Unit")]
public sealed class LatencyRecorderTests
{
    [Theory]
    [InlineData(50, 50)]
    [InlineData(99, 99)]
    [InlineData(100, 100)]
    [InlineData(0.5, 1)]
    public void PercentileMilliseconds_OneToHundredMilliseconds_NearestRank(double percent, int expectedMilliseconds)
    {
        var recorder = new LatencyRecorder(100);
        foreach (var milliseconds in Enumerable.Range(1, 100).Reverse())
        {
            recorder.Record(Stopwatch.Frequency * milliseconds / 1000);
        }

        Assert.Equal(expectedMilliseconds, recorder.PercentileMilliseconds(percent)!.Value, precision: 6);
    }

    [Fact]
    public void PercentileMilliseconds_NothingRecorded_IsNull()
    {
        Assert.Null(new LatencyRecorder(10).PercentileMilliseconds(50));
    }

    [Fact]
    public void Record_MoreThanCapacity_KeepsEveryLatency()
    {
        // A phase that runs for a time does not know its count: the capacity is only a first size.
        var recorder = new LatencyRecorder(2);
        recorder.Record(Stopwatch.Frequency / 1000);
        recorder.Record(2 * Stopwatch.Frequency / 1000);
        recorder.Record(3 * Stopwatch.Frequency / 1000);

        Assert.Equal(3, recorder.Count);
        Assert.Equal(3, recorder.PercentileMilliseconds(100)!.Value, precision: 6);
    }
}
