using System.Diagnostics;

namespace TlsBroker.Bench.Phases;

/// <summary>
/// One run of a handshake phase, measured in slices: the bench alternates the slices of the paths
/// it compares, so that a drift of the machine (another tenant, the GC, the CPU's clock) lands on
/// every path alike instead of on whichever ran during it. The figures cover all slices together. A
/// slice's CPU includes what its handshakes leave for the processes to finish after the last one
/// (its wall time does not): such work would otherwise run in the next path's slice.
/// </summary>
internal sealed class HandshakeRun
{
    /// <summary>Room for the latencies of a timed run before the recorder grows: a few seconds at a few thousand handshakes a second.</summary>
    private const int ExpectedTimedHandshakes = 16 * 1024;

    // A slice ends once the processes it measures use less than a fifth of a CPU, waiting at most this
    // long: on a shared machine they may never fall quiet, and the next slice must start all the same.
    private const double QuietCpuShare = 0.2;
    private static readonly TimeSpan LongestWaitForQuiet = TimeSpan.FromMilliseconds(250);

    private readonly HandshakePhase phase;
    private readonly int concurrency;
    private readonly TimeSpan timeLimit;
    private readonly int? requested;
    private readonly LatencyRecorder latencies;
    private readonly FailureCount failures = new();
    private double seconds;
    private CpuSpan? cpu;
    private bool timedOut;
    private int slices;

    /// <param name="length">The whole run's length; for a count, the one slice runs it all.</param>
    /// <param name="timeLimit">The time limit of the whole run (--phase-timeout), shared by its slices.</param>
    public HandshakeRun(HandshakePhase phase, int concurrency, PhaseLength length, TimeSpan timeLimit)
    {
        this.phase = phase;
        this.concurrency = concurrency;
        this.timeLimit = timeLimit;
        requested = length.Count;
        latencies = new LatencyRecorder(length.Count ?? ExpectedTimedHandshakes);
    }

    /// <summary>Runs the next slice, unless the run has used up its time limit.</summary>
    public async Task RunSliceAsync(PhaseLength slice, CancellationToken cancellationToken)
    {
        var remaining = timeLimit - TimeSpan.FromSeconds(seconds);
        if (remaining <= TimeSpan.Zero)
        {
            timedOut = true;
            return;
        }

        var cpuStart = await phase.Path.Clock.ReadAsync(atStart: true, cancellationToken);
        var wallStart = Stopwatch.GetTimestamp();
        await PhaseWorkers.RunAsync(slice, concurrency, remaining, failures, async (_, token) => latencies.Record(await phase.HandshakeAsync(token)), cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(wallStart);
        await phase.Path.Clock.WaitUntilQuietAsync(QuietCpuShare, LongestWaitForQuiet, cancellationToken);
        var sliceCpu = cpuStart.Until(await phase.Path.Clock.ReadAsync(atStart: false, cancellationToken));
        seconds += elapsed.TotalSeconds;
        cpu = cpu is null ? sliceCpu : cpu + sliceCpu;
        timedOut |= elapsed >= remaining;
        slices++;
    }

    public HandshakeFigures Figures()
    {
        var completed = latencies.Count;
        var spent = cpu ?? CpuSpan.None;
        return new HandshakeFigures
        {
            Path = phase.Path.Kind.Label(),
            Variant = phase.Path.Variant.IsBase ? null : phase.Path.Variant.Name,
            Kind = phase.Path.HandshakeKind,
            TlsVersion = phase.Version.Label(),
            Concurrency = concurrency,
            Requested = requested ?? completed + failures.Count,
            Completed = completed,
            Failed = failures.Count,
            FirstFailure = failures.First,
            TimedOut = timedOut || (requested is { } count && completed + failures.Count < count),
            Seconds = seconds,
            Slices = slices,
            HandshakesPerSecond = seconds > 0 ? completed / seconds : 0,
            P50Ms = latencies.PercentileMilliseconds(50),
            P99Ms = latencies.PercentileMilliseconds(99),
            CpuMsPerHandshake = PerHandshake(spent.Total, completed),
            BenchCpuMsPerHandshake = PerHandshake(spent.Bench, completed),
            BrokerCpuMsPerHandshake = spent.Other is { } other ? PerHandshake(other, completed) : null,
            JitMs = spent.Jit.TotalMilliseconds,
        };
    }

    private static double? PerHandshake(TimeSpan cpu, int completed) => completed == 0 ? null : cpu.TotalMilliseconds / completed;
}
