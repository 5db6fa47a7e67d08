using System.Diagnostics;
using System.Globalization;

namespace TlsBroker.Bench.Warmup;

/// <summary>
/// Runs unmeasured rounds of a path's work until <see cref="JitSettle"/> sees the JIT counters of
/// the bench and (on the broker path) the broker stand still, or until the warm-up maximum.
/// </summary>
internal sealed class WarmupRunner
{
    /// <summary>Two quiet rounds in a row: one can be the pause before tiered compilation's next burst.</summary>
    public const int QuietRoundsNeeded = 2;

    /// <summary>
    /// A round that compiles no more than this many methods in a process counts as quiet: a running
    /// service still compiles the odd method (a timer callback, a rarely taken branch), and no
    /// handful of them moves a phase's figures.
    /// </summary>
    public const long QuietMethods = 5;

    /// <summary>
    /// Longer than tiered compilation's call-count delay (100 ms, restarted by new tier-0 code), so
    /// that a round with nothing compiled means the hot paths have been promoted.
    /// </summary>
    public static readonly TimeSpan RoundLength = TimeSpan.FromSeconds(1);

    private readonly TimeSpan maximum;
    private readonly Action<string> progress;

    public WarmupRunner(TimeSpan maximum, Action<string> progress)
    {
        this.maximum = maximum;
        this.progress = progress;
    }

    /// <param name="what">For the report, e.g. "broker TLS 1.3 handshakes".</param>
    /// <param name="clock">The path's clock, whose JIT counters decide.</param>
    /// <param name="round">One round of the path's work, for about the given time.</param>
    public async Task<WarmupFigures> RunAsync(string what, CpuClock clock, Func<TimeSpan, CancellationToken, Task> round, CancellationToken cancellationToken)
    {
        progress(string.Create(CultureInfo.InvariantCulture, $"warming up {what} until the JIT settles (at most {maximum.TotalSeconds:0.###} s)"));
        var settle = new JitSettle(QuietRoundsNeeded, QuietMethods, maximum);
        var started = Stopwatch.GetTimestamp();
        var state = settle.Observe(await clock.ReadJitAsync(cancellationToken), TimeSpan.Zero);
        while (state == WarmupState.Warming)
        {
            var left = maximum - Stopwatch.GetElapsedTime(started);
            await round(left < RoundLength ? left : RoundLength, cancellationToken);
            state = settle.Observe(await clock.ReadJitAsync(cancellationToken), Stopwatch.GetElapsedTime(started));
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var settled = state == WarmupState.Settled;
        progress(string.Create(CultureInfo.InvariantCulture,
            $"  {(settled ? "settled" : "NOT settled (maximum reached)")} after {settle.Rounds} rounds, {seconds:0.0} s: {settle.LastRound()}"));
        return new WarmupFigures
        {
            What = what,
            Settled = settled,
            Rounds = settle.Rounds,
            Seconds = seconds,
            LastRoundBenchMethods = settle.LastBenchMethods,
            LastRoundBrokerMethods = settle.LastBrokerMethods,
        };
    }
}
