using System.Globalization;
using TlsBroker.Bench.Paths;
using TlsBroker.Bench.Phases;
using TlsBroker.Bench.Report;
using TlsBroker.Bench.Warmup;

namespace TlsBroker.Bench;

/// <summary>
/// The phases of one run, in order: per TLS version a warm-up per path, then every concurrency
/// --repeats times over, each repeat measuring the paths in alternating slices (so that the
/// machine's state drifts least between the figures compared, and every row has several runs for
/// its median and spread); then throughput the same way, the paths' transfers taking turns; then
/// the broker's idle sessions (measured once).
/// </summary>
/// <remarks>
/// The bench process and the broker it starts are fresh: tiered compilation and dynamic PGO
/// recompile the hot paths of the TLS stack over the first thousand or so handshakes, and that JIT
/// work, billed to whichever phase runs first, once tripled the CPU per handshake measured at
/// concurrency 1. The figures are meant to describe a running service, so each warm-up lasts
/// until the JIT counters of both processes stand still (<see cref="WarmupRunner"/>), bounded by --warmup.
/// </remarks>
internal sealed class PhaseSequence
{
    // Warm-up handshakes run at this concurrency: it exercises the same code as the phases,
    // including the paths taken only when sessions overlap.
    private const int WarmupConcurrency = 8;

    // A JIT share of a phase's CPU above this distorts its figures.
    private const double NoticeableJitShare = 0.05;

    private const int NoisyRowsNamed = 5;

    // Each handshake run is cut into slices of about this length, the paths' slices alternating:
    // on a shared 2-core VM the speed of the machine drifts by tens of percent within seconds, and
    // repeats of whole runs back to back gave one path a fast stretch and the other a slow one.
    private static readonly TimeSpan SliceLength = TimeSpan.FromSeconds(0.5);

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
        var notes = new List<string>(setup.Notes);
        foreach (var note in setup.Notes)
        {
            progress(note);
        }

        var warmups = new List<WarmupFigures>();
        var handshakes = settings.Phases.Contains(BenchPhase.Handshakes) ? await RunHandshakesAsync(warmups, cancellationToken) : [];
        IReadOnlyList<ThroughputRow> throughput = [];
        IReadOnlyList<IdleSessionFigures> idle = [];
        if (!setup.Target.IsLocalServer && settings.Phases.Any(p => p != BenchPhase.Handshakes))
        {
            notes.Add("throughput and idle sessions need --local-server (bench-server's transfer protocol); against HOST:PORT only the handshake phases ran");
        }
        else
        {
            if (settings.Phases.Contains(BenchPhase.Throughput))
            {
                throughput = await RunThroughputAsync(warmups, cancellationToken);
            }

            if (settings.Phases.Contains(BenchPhase.Idle))
            {
                idle = await RunIdleSessionsAsync(notes, cancellationToken);
            }
        }

        foreach (var warmup in warmups.Where(w => !w.Settled))
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"the warm-up of {warmup.What} reached --warmup {settings.Warmup.TotalSeconds:0.###} s before the JIT settled "
                + $"(last round: bench {warmup.LastRoundBenchMethods} methods{(warmup.LastRoundBrokerMethods is { } broker ? $", broker {broker}" : string.Empty)}); its figures may include JIT work"));
        }

        if (JitHeavyPhase(handshakes, throughput) is { } jitNote)
        {
            notes.Add(jitNote);
        }

        if (NoisyRows(handshakes, throughput) is { } noisyNote)
        {
            notes.Add(noisyNote);
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
            Warmups = warmups,
            IdleSessions = idle,
            Notes = notes,
        };
        return report with
        {
            Ratios = [.. settings.TlsVersions.SelectMany(version => settings.AllVariants.Select(variant => BenchRatios.Compute(version, variant, report)))],
        };
    }

    /// <summary>
    /// A note naming the measured row in which the JIT took the largest share of the CPU, when
    /// that share is large enough to distort the figures.
    /// </summary>
    private static string? JitHeavyPhase(IEnumerable<HandshakeRow> handshakes, IEnumerable<ThroughputRow> throughput)
    {
        // No row with any JIT at all (a ReadyToRun or fully warmed run) is the quiet case: no note.
        var heaviest = handshakes
            .Select(h => (Name: $"{h.Path} TLS {h.TlsVersion} c={h.Concurrency}", h.JitMs, h.CpuMs))
            .Concat(throughput.Select(t => (Name: $"{t.Path} {t.Direction}", t.JitMs, t.CpuMs)))
            .Where(p => p.CpuMs > 0)
            .Select(p => (p.Name, p.JitMs, Share: p.JitMs / p.CpuMs))
            .OrderByDescending(p => p.Share)
            .Take(1)
            .Where(p => p.Share >= NoticeableJitShare)
            .ToList();
        return heaviest is [var phase]
            ? string.Create(CultureInfo.InvariantCulture,
                $"the JIT was still compiling during the measured phases, most in {phase.Name}: {phase.JitMs:0} ms, {phase.Share:P0} of its CPU; raise --warmup")
            : null;
    }

    /// <summary>A note counting the rows whose repeats disagree by more than 10 %; a ratio is marked only when its own per-repeat values do.</summary>
    private static string? NoisyRows(IEnumerable<HandshakeRow> handshakes, IEnumerable<ThroughputRow> throughput)
    {
        var noisy = handshakes
            .Where(h => h.HandshakesPerSecond?.IsNoisy == true || h.P50Ms?.IsNoisy == true || h.CpuMsPerHandshake?.IsNoisy == true)
            .Select(h => $"{h.Path}{(h.Kind == "full" ? string.Empty : " " + h.Kind)} TLS {h.TlsVersion} c={h.Concurrency}")
            .Concat(throughput.Where(t => t.MegabytesPerSecond?.IsNoisy == true).Select(t => $"{t.Path} {t.Direction}"))
            .ToList();
        // Name a few; on a busy machine nearly every row is noisy, and the tables mark each one anyway.
        return noisy.Count switch
        {
            0 => null,
            <= NoisyRowsNamed => $"{noisy.Count} rows have a spread above 10 % across their repeats (marked !): {string.Join(", ", noisy)}",
            _ => $"{noisy.Count} rows have a spread above 10 % across their repeats (marked ! in the tables): is the machine busy?",
        };
    }

    private async Task<List<HandshakeRow>> RunHandshakesAsync(List<WarmupFigures> warmups, CancellationToken cancellationToken)
    {
        var rows = new List<HandshakeRow>();
        foreach (var version in settings.TlsVersions)
        {
            var paths = HandshakePaths();
            if (settings.Warmup > TimeSpan.Zero)
            {
                foreach (var path in paths)
                {
                    var phase = new HandshakePhase(path, setup.Target, version);
                    warmups.Add(await Warmer().RunAsync(
                        $"{path.Label} TLS {version.Label()} handshakes",
                        path.Clock,
                        (length, token) => phase.RunAsync(WarmupConcurrency, PhaseLength.For(length), settings.PhaseTimeout, token),
                        cancellationToken));
                }
            }

            var phases = paths.Select(path => new HandshakePhase(path, setup.Target, version)).ToList();
            foreach (var concurrency in settings.Concurrency)
            {
                var runs = paths.Select(_ => new List<HandshakeFigures>()).ToList();
                for (var repeat = 1; repeat <= settings.Repeats; repeat++)
                {
                    var measuring = phases.Select(phase => new HandshakeRun(phase, concurrency, settings.HandshakeLength, settings.PhaseTimeout)).ToList();
                    foreach (var slice in settings.HandshakeLength.Slices(SliceLength))
                    {
                        foreach (var run in measuring)
                        {
                            await run.RunSliceAsync(slice, cancellationToken);
                        }
                    }

                    for (var i = 0; i < paths.Count; i++)
                    {
                        var figures = measuring[i].Figures();
                        progress(string.Create(CultureInfo.InvariantCulture,
                            $"{paths[i].Label} TLS {figures.TlsVersion} c={concurrency} run {repeat}/{settings.Repeats}: {figures.Completed} in {figures.Seconds:0.00} s, {figures.HandshakesPerSecond:0.0} hs/s, p50 {figures.P50Ms:0.00} ms, CPU {figures.CpuMsPerHandshake:0.00} ms/hs, {figures.Failed} failed"));
                        runs[i].Add(figures);
                    }
                }

                rows.AddRange(runs.Select(HandshakeRow.From));
            }
        }

        return rows;
    }

    private WarmupRunner Warmer() => new(settings.Warmup, progress);

    /// <summary>
    /// The paths of the handshake phases: every path but export, and the base broker path once
    /// more resuming its sessions with the broker's tokens.
    /// </summary>
    private List<IBenchPath> HandshakePaths()
    {
        var paths = setup.Paths.Where(p => p.Kind.RunsHandshakePhases()).ToList();
        if (setup.Paths.OfType<BrokerPath>().FirstOrDefault(p => p.Kind == BenchPathKind.Broker && p.Variant.IsBase) is { } broker)
        {
            paths.Add(new ResumingBrokerPath(broker));
        }

        return paths;
    }

    private async Task<List<ThroughputRow>> RunThroughputAsync(List<WarmupFigures> warmups, CancellationToken cancellationToken)
    {
        // One version keeps the phase short; TLS 1.3 when run, as the issue's targets are stated for it.
        var version = settings.TlsVersions.Contains(BenchTlsVersion.Tls13) ? BenchTlsVersion.Tls13 : settings.TlsVersions[0];
        var phases = setup.Paths.Select(path => new ThroughputPhase(path, setup.Target, version)).ToList();
        if (settings.Warmup > TimeSpan.Zero)
        {
            for (var i = 0; i < phases.Count; i++)
            {
                var phase = phases[i];
                warmups.Add(await Warmer().RunAsync($"{setup.Paths[i].Label} throughput", setup.Paths[i].Clock, async (length, token) =>
                {
                    await TransfersInTurn.RunAsync(1, length / 2, _ => phase.DownloadAsync(settings.ThroughputBytes, settings.PhaseTimeout, token));
                    await TransfersInTurn.RunAsync(1, length / 2, _ => phase.UploadAsync(settings.ThroughputBytes, settings.PhaseTimeout, token));
                }, cancellationToken));
            }
        }

        var downloads = phases.Select(_ => new List<ThroughputFigures>()).ToList();
        var uploads = phases.Select(_ => new List<ThroughputFigures>()).ToList();
        for (var repeat = 1; repeat <= settings.Repeats; repeat++)
        {
            foreach (var (transfer, runs) in new (Func<int, Task<ThroughputFigures>>, List<List<ThroughputFigures>>)[]
            {
                (i => phases[i].DownloadAsync(settings.ThroughputBytes, settings.PhaseTimeout, cancellationToken), downloads),
                (i => phases[i].UploadAsync(settings.ThroughputBytes, settings.PhaseTimeout, cancellationToken), uploads),
            })
            {
                var measured = await TransfersInTurn.RunAsync(phases.Count, settings.Duration, transfer);
                for (var i = 0; i < phases.Count; i++)
                {
                    var figures = measured[i];
                    progress(string.Create(CultureInfo.InvariantCulture,
                        $"{setup.Paths[i].Label} {figures.Direction} run {repeat}/{settings.Repeats}: {figures.MegabytesPerSecond:0.0} MB/s over {figures.Transfers} transfers {figures.Failure}"));
                    runs[i].Add(figures);
                }
            }
        }

        return [.. downloads.Zip(uploads).SelectMany(pair => new[] { ThroughputRow.From(pair.First), ThroughputRow.From(pair.Second) })];
    }

    private async Task<List<IdleSessionFigures>> RunIdleSessionsAsync(List<string> notes, CancellationToken cancellationToken)
    {
        // The export path hands its sessions' keys over and ends them in the broker: nothing of them stays there to measure.
        List<BrokerPath> brokers = [.. setup.Paths.OfType<BrokerPath>().Where(path => path.Kind == BenchPathKind.Broker)];
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
                progress($"holding {sessions} idle sessions through {((IBenchPath)broker).Label}");
                var phase = new IdleSessionsPhase(broker, setup.Target, setup.InProcessPeers, setup.BrokerProcess?.Id, setup.BrokerAdminAddress);
                var figures = await phase.RunAsync(sessions, settings.PhaseTimeout, cancellationToken);
                if (figures.PeerTransport is { } transport)
                {
                    progress(figures.SourceAddresses.Count > 0
                        ? $"peers over {transport} from the loopback addresses {string.Join(", ", figures.SourceAddresses)} in turn (ephemeral ports per address)"
                        : $"peers over {transport}{(figures.PeerTransportReason is { } why ? $": {why}" : string.Empty)}");
                }

                progress(string.Create(CultureInfo.InvariantCulture,
                    $"{figures.Opened}/{figures.Sessions} opened, {figures.Usable} usable, {figures.RssBytesPerSession} RSS bytes/session, {figures.ManagedHeapBytesPerSession} heap bytes/session {figures.SkippedReason}"));
                all.Add(figures);
            }
        }

        return all;
    }
}
