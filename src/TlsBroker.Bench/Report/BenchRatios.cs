using TlsBroker.Bench.Phases;
using TlsBroker.Bench.Statistics;

namespace TlsBroker.Bench.Report;

/// <summary>
/// The figures issue 13's targets (and issue 4's, where 13 names none) are stated in, for one TLS version (JSON: an element of "ratios"),
/// each the median of the per-repeat ratios of its two rows (<see cref="PairedComparison"/>). A ratio is null when a figure it needs
/// was not measured (path, phase or concurrency not run); a ratio that spreads more than 10 % across the repeats is named in
/// <see cref="Noisy"/>, with its spread in <see cref="Spreads"/>.
/// </summary>
internal sealed record BenchRatios
{
    public required string TlsVersion { get; init; }

    /// <summary>The --variant whose engine and broker paths are compared (with the one direct path); null for the base policies.</summary>
    public string? Variant { get; init; }

    /// <summary>The concurrency of the rate and CPU ratios: 8 when run, otherwise the highest run.</summary>
    public required int RateConcurrency { get; init; }

    /// <summary>The concurrency of the latency difference: 1 when run, otherwise the lowest run.</summary>
    public required int LatencyConcurrency { get; init; }

    /// <summary>Broker full handshakes/s ÷ engine's (target ≥ 0.9).</summary>
    public double? BrokerToEngineRate { get; init; }

    /// <summary>Broker p50 ÷ engine p50 (target ≤ 1.2).</summary>
    public double? BrokerToEngineP50 { get; init; }

    /// <summary>Broker p50 − engine p50 in ms (target ≤ 0.5 on a quiet machine).</summary>
    public double? BrokerMinusEngineP50Ms { get; init; }

    /// <summary>Engine CPU per handshake ÷ direct's (target ≤ 1).</summary>
    public double? EngineToDirectCpu { get; init; }

    /// <summary>Broker CPU per handshake (broker + bench) ÷ engine's (target ≤ 1.3).</summary>
    public double? BrokerToEngineCpu { get; init; }

    /// <summary>Broker resumed handshakes/s ÷ broker full handshakes/s at the rate concurrency (target ≥ 5).</summary>
    public double? BrokerResumedToFullRate { get; init; }

    /// <summary>Broker download MB/s ÷ direct's (target ≥ 0.50); only for the throughput phase's TLS version.</summary>
    public double? BrokerToDirectDownload { get; init; }

    /// <summary>Broker upload MB/s ÷ direct's (target ≥ 0.50).</summary>
    public double? BrokerToDirectUpload { get; init; }

    /// <summary>Export path download MB/s ÷ direct's (issue 13's target ≥ 0.9); base variant only, as the export path runs only there.</summary>
    public double? ExportToDirectDownload { get; init; }

    /// <summary>Export path upload MB/s ÷ direct's (target ≥ 0.9).</summary>
    public double? ExportToDirectUpload { get; init; }

    /// <summary>The ratios (by JSON name) whose per-repeat values spread more than 10 %: not to be trusted from this run.</summary>
    public IReadOnlyList<string> Noisy { get; init; } = [];

    /// <summary>Per ratio (by JSON name), the spread of its per-repeat values, (max − min) ÷ median.</summary>
    public IReadOnlyDictionary<string, double> Spreads { get; init; } = new Dictionary<string, double>();

    public static BenchRatios Compute(BenchTlsVersion version, BenchVariant variant, BenchReport report)
    {
        var label = version.Label();
        string? VariantOf(string path) => path == "direct" || variant.IsBase ? null : variant.Name;
        var concurrencies = report.Settings.Concurrency;
        var rateConcurrency = concurrencies.Contains(8) ? 8 : concurrencies.Max();
        var latencyConcurrency = concurrencies.Contains(1) ? 1 : concurrencies.Min();
        IReadOnlyList<double?>? Handshakes(string path, int concurrency, Func<HandshakeFigures, double?> figure, string kind = "full") =>
            report.Handshakes
                .FirstOrDefault(h => h.Path == path && h.Kind == kind && h.Variant == VariantOf(path) && h.TlsVersion == label && h.Concurrency == concurrency && h.Completed > 0)
                ?.Runs.Select(figure).ToArray();
        IReadOnlyList<double?>? Throughput(string path, string direction) =>
            report.Throughput
                .FirstOrDefault(t => t.Path == path && t.Variant == VariantOf(path) && t.Direction == direction && t.TlsVersion == label)
                ?.Runs.Select(run => run.MegabytesPerSecond).ToArray();
        static double? P50(HandshakeFigures run) => run.P50Ms;
        static double? Cpu(HandshakeFigures run) => run.CpuMsPerHandshake;

        var comparisons = new Dictionary<string, RepeatedFigure?>
        {
            ["brokerToEngineRate"] = PairedComparison.Divide(Handshakes("broker", rateConcurrency, HandshakeRow.RateOf), Handshakes("engine", rateConcurrency, HandshakeRow.RateOf)),
            ["brokerToEngineP50"] = PairedComparison.Divide(Handshakes("broker", latencyConcurrency, P50), Handshakes("engine", latencyConcurrency, P50)),
            ["brokerMinusEngineP50Ms"] = PairedComparison.Subtract(Handshakes("broker", latencyConcurrency, P50), Handshakes("engine", latencyConcurrency, P50)),
            ["engineToDirectCpu"] = PairedComparison.Divide(Handshakes("engine", rateConcurrency, Cpu), Handshakes("direct", rateConcurrency, Cpu)),
            ["brokerToEngineCpu"] = PairedComparison.Divide(Handshakes("broker", rateConcurrency, Cpu), Handshakes("engine", rateConcurrency, Cpu)),
            ["brokerResumedToFullRate"] = PairedComparison.Divide(
                Handshakes("broker", rateConcurrency, HandshakeRow.RateOf, "resumed"), Handshakes("broker", rateConcurrency, HandshakeRow.RateOf)),
            ["brokerToDirectDownload"] = PairedComparison.Divide(Throughput("broker", "download"), Throughput("direct", "download")),
            ["brokerToDirectUpload"] = PairedComparison.Divide(Throughput("broker", "upload"), Throughput("direct", "upload")),
            ["exportToDirectDownload"] = PairedComparison.Divide(Throughput("export", "download"), Throughput("direct", "download")),
            ["exportToDirectUpload"] = PairedComparison.Divide(Throughput("export", "upload"), Throughput("direct", "upload")),
        };
        var measured = comparisons.Where(pair => pair.Value is not null).ToDictionary(pair => pair.Key, pair => pair.Value!);

        return new BenchRatios
        {
            TlsVersion = label,
            Variant = variant.IsBase ? null : variant.Name,
            RateConcurrency = rateConcurrency,
            LatencyConcurrency = latencyConcurrency,
            BrokerToEngineRate = comparisons["brokerToEngineRate"]?.Median,
            BrokerToEngineP50 = comparisons["brokerToEngineP50"]?.Median,
            BrokerMinusEngineP50Ms = comparisons["brokerMinusEngineP50Ms"]?.Median,
            EngineToDirectCpu = comparisons["engineToDirectCpu"]?.Median,
            BrokerToEngineCpu = comparisons["brokerToEngineCpu"]?.Median,
            BrokerResumedToFullRate = comparisons["brokerResumedToFullRate"]?.Median,
            BrokerToDirectDownload = comparisons["brokerToDirectDownload"]?.Median,
            BrokerToDirectUpload = comparisons["brokerToDirectUpload"]?.Median,
            ExportToDirectDownload = comparisons["exportToDirectDownload"]?.Median,
            ExportToDirectUpload = comparisons["exportToDirectUpload"]?.Median,
            Noisy = [.. measured.Where(pair => pair.Value.IsNoisy).Select(pair => pair.Key)],
            Spreads = measured.ToDictionary(pair => pair.Key, pair => pair.Value.Spread),
        };
    }
}
