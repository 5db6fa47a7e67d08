using System.Globalization;

namespace TlsBroker.Bench.Warmup;

/// <summary>
/// Decides when a warm-up may end: after every round of unmeasured work it is given the JIT
/// counters of the bench and (on the broker path) the broker, and the warm-up has settled once
/// <see cref="QuietRoundsNeeded"/> rounds in a row compiled at most <see cref="QuietMethods"/>
/// methods in each process. Tiered compilation promotes hot methods in bursts, after a call-count
/// delay that restarts whenever new methods are compiled, so one quiet round alone can be a pause
/// between bursts. The warm-up gives up at <see cref="Maximum"/>, whatever the counters say.
/// Pure: the caller runs the rounds and reads the counters.
/// </summary>
internal sealed class JitSettle
{
    private JitReading? previous;

    public JitSettle(int quietRoundsNeeded, long quietMethods, TimeSpan maximum)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quietRoundsNeeded);
        ArgumentOutOfRangeException.ThrowIfNegative(quietMethods);
        QuietRoundsNeeded = quietRoundsNeeded;
        QuietMethods = quietMethods;
        Maximum = maximum;
    }

    public int QuietRoundsNeeded { get; }

    public long QuietMethods { get; }

    public TimeSpan Maximum { get; }

    /// <summary>Rounds observed so far (the first reading, before any round, is not one).</summary>
    public int Rounds { get; private set; }

    /// <summary>Quiet rounds in a row, ending with the last one.</summary>
    public int QuietRounds { get; private set; }

    /// <summary>Methods the bench's JIT compiled in the last round.</summary>
    public long LastBenchMethods { get; private set; }

    /// <summary>Methods the broker's JIT compiled in the last round; null when not known.</summary>
    public long? LastBrokerMethods { get; private set; }

    /// <summary>
    /// Takes the counters after a round (or, the first time, before any) and the time the warm-up
    /// has run so far. A reading that lacks the broker's counters when the previous one had them
    /// (a failed scrape) cannot show the broker quiet, so that round does not count as quiet.
    /// </summary>
    public WarmupState Observe(JitReading reading, TimeSpan elapsed)
    {
        if (previous is { } before)
        {
            Rounds++;
            LastBenchMethods = reading.Bench.CompiledMethods - before.Bench.CompiledMethods;
            LastBrokerMethods = reading.Broker is { } broker && before.Broker is { } brokerBefore ? broker.CompiledMethods - brokerBefore.CompiledMethods : null;
            var brokerQuiet = before.Broker is null || LastBrokerMethods <= QuietMethods;
            QuietRounds = LastBenchMethods <= QuietMethods && brokerQuiet ? QuietRounds + 1 : 0;
        }

        previous = reading;
        return QuietRounds >= QuietRoundsNeeded ? WarmupState.Settled
            : elapsed >= Maximum ? WarmupState.MaximumReached
            : WarmupState.Warming;
    }

    /// <summary>The last round's counts, for progress lines and notes, e.g. "bench JIT 12 methods, broker JIT 40 methods in the last round".</summary>
    public string LastRound() => Rounds == 0
        ? "no round ran"
        : string.Create(CultureInfo.InvariantCulture,
            $"bench JIT {LastBenchMethods} methods{(LastBrokerMethods is { } broker ? $", broker JIT {broker} methods" : string.Empty)} in the last round");
}
