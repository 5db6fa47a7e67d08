using TlsBroker.Bench.Warmup;

namespace TlsBroker.Bench.Tests.Warmup;

/// <summary>When a warm-up may end: the JIT counters of both processes stand still for enough rounds in a row, or the maximum is reached.</summary>
[Trait("Category", "Unit")]
public sealed class JitSettleTests
{
    private static readonly TimeSpan Maximum = TimeSpan.FromSeconds(30);

    private static JitReading Reading(long benchMethods, long? brokerMethods = null) =>
        new(new JitCounters(benchMethods, TimeSpan.Zero), brokerMethods is { } broker ? new JitCounters(broker, TimeSpan.Zero) : null);

    private static TimeSpan Seconds(int seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void Observe_FirstReading_IsABaselineNotARound()
    {
        var settle = new JitSettle(quietRoundsNeeded: 1, quietMethods: 5, Maximum);

        Assert.Equal(WarmupState.Warming, settle.Observe(Reading(1000), TimeSpan.Zero));
        Assert.Equal(0, settle.Rounds);
    }

    [Fact]
    public void Observe_QuietRoundsInARow_SettlesOnlyAfterTheNeededCount()
    {
        var settle = new JitSettle(quietRoundsNeeded: 2, quietMethods: 5, Maximum);
        settle.Observe(Reading(1000), TimeSpan.Zero);

        Assert.Equal(WarmupState.Warming, settle.Observe(Reading(1400), Seconds(1)));
        Assert.Equal(WarmupState.Warming, settle.Observe(Reading(1403), Seconds(2)));
        Assert.Equal(WarmupState.Settled, settle.Observe(Reading(1408), Seconds(3)));
        Assert.Equal(3, settle.Rounds);
        Assert.Equal(5, settle.LastBenchMethods);
    }

    [Fact]
    public void Observe_BurstBetweenQuietRounds_StartsCountingAgain()
    {
        var settle = new JitSettle(quietRoundsNeeded: 2, quietMethods: 5, Maximum);
        settle.Observe(Reading(1000), TimeSpan.Zero);
        settle.Observe(Reading(1001), Seconds(1));

        Assert.Equal(WarmupState.Warming, settle.Observe(Reading(1100), Seconds(2)));
        Assert.Equal(0, settle.QuietRounds);
        Assert.Equal(WarmupState.Warming, settle.Observe(Reading(1100), Seconds(3)));
        Assert.Equal(WarmupState.Settled, settle.Observe(Reading(1100), Seconds(4)));
    }

    [Fact]
    public void Observe_BenchQuietBrokerStillCompiling_KeepsWarming()
    {
        var settle = new JitSettle(quietRoundsNeeded: 1, quietMethods: 5, Maximum);
        settle.Observe(Reading(1000, 5000), TimeSpan.Zero);

        Assert.Equal(WarmupState.Warming, settle.Observe(Reading(1000, 5200), Seconds(1)));
        Assert.Equal(200, settle.LastBrokerMethods);
        Assert.Equal(WarmupState.Settled, settle.Observe(Reading(1000, 5201), Seconds(2)));
    }

    [Fact]
    public void Observe_BrokerCountersMissingAfterBeingRead_RoundIsNotQuiet()
    {
        var settle = new JitSettle(quietRoundsNeeded: 1, quietMethods: 5, Maximum);
        settle.Observe(Reading(1000, 5000), TimeSpan.Zero);

        Assert.Equal(WarmupState.Warming, settle.Observe(Reading(1000), Seconds(1)));
        Assert.Null(settle.LastBrokerMethods);
    }

    [Fact]
    public void Observe_StillCompilingAtTheMaximum_MaximumReached()
    {
        var settle = new JitSettle(quietRoundsNeeded: 2, quietMethods: 5, Seconds(3));
        settle.Observe(Reading(1000), TimeSpan.Zero);
        settle.Observe(Reading(1100), Seconds(1));
        settle.Observe(Reading(1200), Seconds(2));

        Assert.Equal(WarmupState.MaximumReached, settle.Observe(Reading(1300), Seconds(3)));
        Assert.Contains("bench JIT 100 methods", settle.LastRound(), StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_SettledInTheRoundThatReachesTheMaximum_Settled()
    {
        var settle = new JitSettle(quietRoundsNeeded: 1, quietMethods: 5, Seconds(1));
        settle.Observe(Reading(1000), TimeSpan.Zero);

        Assert.Equal(WarmupState.Settled, settle.Observe(Reading(1000), Seconds(1)));
    }
}
