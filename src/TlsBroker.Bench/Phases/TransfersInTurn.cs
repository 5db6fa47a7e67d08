namespace TlsBroker.Bench.Phases;

/// <summary>
/// Measures several paths' transfers in turn, the path whose transfers have taken the least time
/// going next, until each path's add up to the duration: the paths advance through the measurement
/// at the same pace, so a drift of the machine lands on every path alike instead of on whichever ran
/// during it (a fast path does several transfers while a slow one does one).
/// </summary>
internal static class TransfersInTurn
{
    /// <param name="transfer">One transfer through the path at that index, timed.</param>
    /// <returns>Per path, in order, its transfers' totals; a path stops at its first failed transfer.</returns>
    public static async Task<IReadOnlyList<ThroughputFigures>> RunAsync(int paths, TimeSpan duration, Func<int, Task<ThroughputFigures>> transfer)
    {
        var totals = new ThroughputFigures?[paths];
        bool Done(ThroughputFigures? total) => total is { } figures && (!figures.Completed || figures.Seconds >= duration.TotalSeconds);

        while (Enumerable.Range(0, paths).Where(i => !Done(totals[i])).OrderBy(i => totals[i]?.Seconds ?? 0).FirstOrDefault(-1) is var i and >= 0)
        {
            var next = await transfer(i);
            totals[i] = totals[i] is { } total ? total.Then(next) : next;
        }

        return [.. totals.Select(total => total!)];
    }
}
