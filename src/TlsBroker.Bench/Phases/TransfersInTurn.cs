namespace TlsBroker.Bench.Phases;

/// <summary>
/// Measures several paths' transfers in turn, one transfer each round, until each path's transfers
/// add up to the duration: a drift of the machine during the measurement then lands on every path
/// alike instead of on whichever ran during it.
/// </summary>
internal static class TransfersInTurn
{
    /// <param name="transfer">One transfer through the path at that index, timed.</param>
    /// <returns>Per path, in order, its transfers' totals; a path stops at its first failed transfer.</returns>
    public static async Task<IReadOnlyList<ThroughputFigures>> RunAsync(int paths, TimeSpan duration, Func<int, Task<ThroughputFigures>> transfer)
    {
        var totals = new ThroughputFigures?[paths];
        bool Done(ThroughputFigures? total) => total is { } figures && (!figures.Completed || figures.Seconds >= duration.TotalSeconds);

        while (!totals.All(Done))
        {
            for (var i = 0; i < paths; i++)
            {
                if (!Done(totals[i]))
                {
                    var next = await transfer(i);
                    totals[i] = totals[i] is { } total ? total.Then(next) : next;
                }
            }
        }

        return [.. totals.Select(total => total!)];
    }
}
