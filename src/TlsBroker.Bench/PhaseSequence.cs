using System.Globalization;
using TlsBroker.Bench.Paths;
using TlsBroker.Bench.Phases;
using TlsBroker.Bench.Report;

namespace TlsBroker.Bench;

/// <summary>
/// The phases of one run, in order: per TLS version a warm-up per path, then every concurrency
/// with the paths back to back (so that the machine's state drifts least between the figures
/// compared); then throughput per path, each after an unmeasured transfer; then the broker's idle sessions.
/// </summary>
/// <remarks>
/// The warm-up is long because the bench process and the broker it starts are fresh: tiered
/// compilation and dynamic PGO recompile the hot paths of the TLS stack over the first thousand or
/// so handshakes, and that JIT work, billed to whichever phase runs first, once tripled the CPU
/// per handshake measured at concurrency 1. The figures are meant to describe a running service.
/// </remarks>
internal sealed class PhaseSequence
{
    // Warm-up handshakes run at this concurrency: it finishes sooner than one at a time and
    // exercises the same code, including the paths taken only when sessions overlap.
    private const int WarmupConcurrency = 8;

    // An unmeasured transfer each way before a path's throughput figures, as long as the measured
    // one: 8 MiB through the broker (under 0.1 s) ended before the runtime had recompiled its data
    // path, and that JIT work was then half the CPU of the measured download. A warm-up handshake
    // count of 0 turns it off too.
    private const long ThroughputWarmupBytes = 64L * 1024 * 1024;

    // The JIT settles over seconds of running, not over a byte count: warm-up transfers repeat, up
    // to this many rounds, while the JIT still takes a noticeable share of a round's CPU.
    private const int MaxThroughputWarmupRounds = 5;

    // A JIT share of a phase's CPU above this distorts its figures.
    private const double NoticeableJitShare = 0.05;

    private readonly BenchSetup setup;
    private readonly BenchSettings settings;
    private readonly Action<string> progress;

    public PhaseSequence(BenchSetup setup, BenchSettings settings, Action<string> progress)
    {
        this.setup = setup;
        this.settings = settings;
        this.progress = progress;
    }

    public async Task<BenchReport> RunAsync(DateTimeOffset startedUtc, CancellationToken cancellationToken)
    {
        var notes = new List<string>();
        var handshakes = settings.Phases.Contains(BenchPhase.Handshakes) ? await RunHandshakesAsync(cancellationToken) : [];
        IReadOnlyList<ThroughputFigures> throughput = [];
        IReadOnlyList<IdleSessionFigures> idle = [];
        if (!setup.Target.IsLocalServer && settings.Phases.Any(p => p != BenchPhase.Handshakes))
        {
            notes.Add("throughput and idle sessions need --local-server (bench-server's transfer protocol); against HOST:PORT only the handshake phases ran");
        }
        else
        {
            if (settings.Phases.Contains(BenchPhase.Throughput))
            {
                throughput = await RunThroughputAsync(cancellationToken);
            }

            if (settings.Phases.Contains(BenchPhase.Idle))
            {
                idle = await RunIdleSessionsAsync(notes, cancellationToken);
            }
        }

        if (JitHeavyPhase(handshakes, throughput) is { } jitNote)
        {
            notes.Add(jitNote);
        }

        if (handshakes.Count > 0 && !handshakes.Exists(h => h.Kind == "resumed"))
        {
            notes.Add("resumed handshakes: measured only through the broker; this run had no broker path");
        }
        if (idle.Count > 0 && setup.BrokerAdminAddress is null)
        {
            notes.Add("managed heap per idle session: not measured (give the broker's admin address with --broker-admin)");
        }

        if (idle.Count > 0 && setup.BrokerProcess is null)
        {
            notes.Add("broker RSS per idle session: not measured (give the broker's process id with --broker-pid)");
        }

        var report = new BenchReport
        {
            StartedUtc = startedUtc,
            Machine = MachineInfo.Current(),
            Target = new ReportTarget
            {
                Server = setup.Target.Display,
                ServerName = setup.Target.ServerName,
                LocalServer = setup.Target.IsLocalServer,
                Broker = setup.BrokerAddress?.ToString(),
                BrokerAdmin = setup.BrokerAdminAddress?.ToString(),
                BrokerStartedByBench = setup.BrokerStartedByBench,
                BrokerPid = setup.BrokerProcess?.Id,
            },
            Settings = ReportSettings.From(settings),
            Handshakes = handshakes,
            Throughput = throughput,
            IdleSessions = idle,
            Notes = notes,
        };
        return report with
        {
            Ratios = [.. settings.TlsVersions.SelectMany(version => settings.AllVariants.Select(variant => BenchRatios.Compute(version, variant, report)))],
        };
    }

    /// <summary>
    /// A note naming the measured phase in which the JIT took the largest share of the CPU, when
    /// that share is large enough to distort the figures.
    /// </summary>
    private static string? JitHeavyPhase(IEnumerable<HandshakeFigures> handshakes, IEnumerable<ThroughputFigures> throughput)
    {
        // No phase with any JIT at all (a ReadyToRun or fully warmed run) is the quiet case: no note.
        var heaviest = handshakes
            .Select(h => (Name: $"{h.Path} TLS {h.TlsVersion} c={h.Concurrency}", h.JitMs, CpuMs: h.CpuMsPerHandshake * h.Completed))
            .Concat(throughput.Select(t => (Name: $"{t.Path} {t.Direction}", t.JitMs, t.CpuMs)))
            .Where(p => p.JitMs is > 0 && p.CpuMs is > 0)
            .Select(p => (p.Name, p.JitMs, Share: p.JitMs!.Value / p.CpuMs!.Value))
            .OrderByDescending(p => p.Share)
            .Take(1)
            .Where(p => p.Share >= NoticeableJitShare)
            .ToList();
        return heaviest is [var phase]
            ? string.Create(CultureInfo.InvariantCulture,
                $"the JIT was still compiling during the measured phases, most in {phase.Name}: {phase.JitMs:0} ms, {phase.Share:P0} of its CPU; raise --warmup")
            : null;
    }

    private async Task<List<HandshakeFigures>> RunHandshakesAsync(CancellationToken cancellationToken)
    {
        var all = new List<HandshakeFigures>();
        foreach (var version in settings.TlsVersions)
        {
            var paths = HandshakePaths();
            if (settings.Warmup > 0)
            {
                foreach (var path in paths)
                {
                    progress($"warming up {path.Label} TLS {version.Label()} ({settings.Warmup} handshakes)");
                    await new HandshakePhase(path, setup.Target, version).RunAsync(WarmupConcurrency, settings.Warmup, settings.PhaseTimeout, cancellationToken);
                }
            }

            foreach (var concurrency in settings.Concurrency)
            {
                foreach (var path in paths)
                {
                    var figures = await new HandshakePhase(path, setup.Target, version).RunAsync(concurrency, settings.Handshakes, settings.PhaseTimeout, cancellationToken);
                    progress(string.Create(CultureInfo.InvariantCulture,
                        $"{path.Label} TLS {figures.TlsVersion} c={concurrency}: {figures.Completed}/{figures.Requested} in {figures.Seconds:0.00} s, {figures.HandshakesPerSecond:0.0} hs/s, p50 {figures.P50Ms:0.00} ms, CPU {figures.CpuMsPerHandshake:0.00} ms/hs, {figures.Failed} failed"));
                    all.Add(figures);
                }
            }
        }

        return all;
    }

    /// <summary>
    /// The paths of the handshake phases: every path, and the base broker path once more
    /// resuming its sessions with the broker's tokens.
    /// </summary>
    private List<IBenchPath> HandshakePaths()
    {
        var paths = setup.Paths.ToList();
        if (setup.Paths.OfType<BrokerPath>().FirstOrDefault(p => p.Variant.IsBase) is { } broker)
        {
            paths.Add(new ResumingBrokerPath(broker));
        }

        return paths;
    }

    private async Task<List<ThroughputFigures>> RunThroughputAsync(CancellationToken cancellationToken)
    {
        // One version keeps the phase short; TLS 1.3 when run, as the targets are stated for it.
        var version = settings.TlsVersions.Contains(BenchTlsVersion.Tls13) ? BenchTlsVersion.Tls13 : settings.TlsVersions[0];
        var all = new List<ThroughputFigures>();
        foreach (var path in setup.Paths)
        {
            var phase = new ThroughputPhase(path, setup.Target, version);
            if (settings.Warmup > 0)
            {
                await WarmUpThroughputAsync(path, phase, cancellationToken);
            }

            foreach (var figures in new[]
            {
                await phase.DownloadAsync(settings.ThroughputBytes, settings.PhaseTimeout, cancellationToken),
                await phase.UploadAsync(settings.ThroughputBytes, settings.PhaseTimeout, cancellationToken),
            })
            {
                progress(string.Create(CultureInfo.InvariantCulture,
                    $"{path.Label} {figures.Direction}: {figures.MegabytesPerSecond:0.0} MB/s {figures.Failure}"));
                all.Add(figures);
            }
        }

        return all;
    }

    private async Task WarmUpThroughputAsync(IBenchPath path, ThroughputPhase phase, CancellationToken cancellationToken)
    {
        var warmupBytes = Math.Min(ThroughputWarmupBytes, settings.ThroughputBytes);
        for (var round = 1; round <= MaxThroughputWarmupRounds; round++)
        {
            progress(string.Create(CultureInfo.InvariantCulture,
                $"warming up {path.Label} throughput ({warmupBytes / (1024 * 1024.0):0.#} MiB each way, round {round})"));
            var download = await phase.DownloadAsync(warmupBytes, settings.PhaseTimeout, cancellationToken);
            var upload = await phase.UploadAsync(warmupBytes, settings.PhaseTimeout, cancellationToken);
            if (!JitStillBusy(download) && !JitStillBusy(upload))
            {
                return;
            }

            progress(string.Create(CultureInfo.InvariantCulture,
                $"  the JIT is still busy: {download.JitMs:0} ms of {download.CpuMs:0} ms CPU downloading, {upload.JitMs:0} ms of {upload.CpuMs:0} ms uploading"));
        }
    }

    private static bool JitStillBusy(ThroughputFigures transfer) =>
        transfer is { JitMs: > 0, CpuMs: > 0 } && transfer.JitMs.Value / transfer.CpuMs.Value >= NoticeableJitShare;

    private async Task<List<IdleSessionFigures>> RunIdleSessionsAsync(List<string> notes, CancellationToken cancellationToken)
    {
        var brokers = setup.Paths.Where(p => p.Kind == BenchPathKind.Broker).ToList();
        if (brokers.Count == 0)
        {
            notes.Add("idle sessions are measured through the broker: add broker to --paths");
            return [];
        }

        var all = new List<IdleSessionFigures>();
        foreach (var broker in brokers)
        {
            foreach (var sessions in settings.IdleSessions)
            {
                progress($"holding {sessions} idle sessions through {broker.Label}");
                var phase = new IdleSessionsPhase(broker, setup.Target, setup.BrokerProcess?.Id, setup.BrokerAdminAddress);
                var figures = await phase.RunAsync(sessions, settings.PhaseTimeout, cancellationToken);
                progress(string.Create(CultureInfo.InvariantCulture,
                    $"{figures.Opened}/{figures.Sessions} opened, {figures.Usable} usable, {figures.RssBytesPerSession} RSS bytes/session, {figures.ManagedHeapBytesPerSession} heap bytes/session {figures.SkippedReason}"));
                all.Add(figures);
            }
        }

        return all;
    }
}
