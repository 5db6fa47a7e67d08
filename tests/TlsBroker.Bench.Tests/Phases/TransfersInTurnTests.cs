using TlsBroker.Bench.Phases;

namespace TlsBroker.Bench.Tests.Phases;

/// <summary>Paths' transfers taking turns until each path's add up to the duration.</summary>
[Trait("Category", "Unit")]
public sealed class TransfersInTurnTests
{
    [Fact]
    public async Task RunAsync_PathsOfDifferentSpeeds_PathFurthestBehindGoesNextUntilEachHasTheDuration()
    {
        double[] secondsPerTransfer = [0.5, 2.0];
        var calls = new List<int>();

        var totals = await TransfersInTurn.RunAsync(2, TimeSpan.FromSeconds(3), path =>
        {
            calls.Add(path);
            return Task.FromResult(Transfer(path, secondsPerTransfer[path], completed: true));
        });

        Assert.Equal([0, 1, 0, 0, 0, 0, 1, 0], calls);
        Assert.Equal([6, 2], totals.Select(total => total.Transfers));
        Assert.Equal([3.0, 4.0], totals.Select(total => total.Seconds));
        Assert.Equal(6 * 10 / 3.0, totals[0].MegabytesPerSecond!.Value, 6);
        Assert.Equal(2 * 10 / 4.0, totals[1].MegabytesPerSecond!.Value, 6);
    }

    [Fact]
    public async Task RunAsync_FailedTransfer_PathStopsWithItsFailureOthersGoOn()
    {
        var calls = new List<int>();

        var totals = await TransfersInTurn.RunAsync(2, TimeSpan.FromSeconds(2), path =>
        {
            calls.Add(path);
            return Task.FromResult(Transfer(path, 1.0, completed: path == 0));
        });

        Assert.Equal([0, 1, 0], calls);
        Assert.True(totals[0].Completed);
        Assert.False(totals[1].Completed);
        Assert.Null(totals[1].MegabytesPerSecond);
        Assert.Equal("failed", totals[1].Failure);
    }

    private static ThroughputFigures Transfer(int path, double seconds, bool completed) => new()
    {
        Path = $"path{path}",
        Direction = "download",
        TlsVersion = "1.3",
        Bytes = 10_000_000,
        Transfers = completed ? 1 : 0,
        Completed = completed,
        Failure = completed ? null : "failed",
        Seconds = completed ? seconds : 0,
        MegabytesPerSecond = completed ? 10 / seconds : null,
        CpuMsPerMegabyte = completed ? 1 : null,
    };
}
