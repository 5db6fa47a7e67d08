using TlsBroker.Bench.Phases;
using TlsBroker.Bench.Statistics;

namespace TlsBroker.Bench.Report;

/// <summary>
/// The figures issue 13's targets (and issue 4's, where 13 names none) are stated in, for one TLS version (JSON: an element of "ratios"),
/// each computed from the medians of its rows. A ratio is null when a figure it needs was not
/// measured (path, phase or concurrency not run); a ratio whose rows spread more than 10 % across
/// their repeats is named in <see cref="Noisy"/>, with that spread in <see cref="InputSpreads"/>.
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

    /// <summary>The ratios (by JSON name) whose inputs' spread across repeats exceeds 10 %: not to be trusted from this run.</summary>
    public IReadOnlyList<string> Noisy { get; init; } = [];

    /// <summary>Per ratio (by JSON name), the larger spread of the two rows it was computed from.</summary>
    public IReadOnlyDictionary<string, double> InputSpreads { get; init; } = new Dictionary<string, double>();

    public static BenchRatios Compute(BenchTlsVersion version, BenchVariant variant, BenchReport report)
    {
        var label = version.Label();
        string? VariantOf(string path) => path == "direct" || variant.IsBase ? null : variant.Name;
        var concurrencies = report.Settings.Concurrency;
        var rateConcurrency = concurrencies.Contains(8) ? 8 : concurrencies.Max();
        var latencyConcurrency = concurrencies.Contains(1) ? 1 : concurrencies.Min();
        HandshakeRow? Handshakes(string path, int concurrency, string kind = "full") =>
            report.Handshakes.FirstOrDefault(h =>
                h.Path == path && h.Kind == kind && h.Variant == VariantOf(path) && h.TlsVersion == label && h.Concurrency == concurrency && h.Completed > 0);
        RepeatedFigure? Throughput(string path, string direction) =>
            report.Throughput.FirstOrDefault(t => t.Path == path && t.Variant == VariantOf(path) && t.Direction == direction && t.TlsVersion == label)?.MegabytesPerSecond;

        var comparisons = new Dictionary<string, MedianComparison?>
        {
            ["brokerToEngineRate"] = MedianComparison.Divide(Handshakes("broker", rateConcurrency)?.HandshakesPerSecond, Handshakes("engine", rateConcurrency)?.HandshakesPerSecond),
            ["brokerToEngineP50"] = MedianComparison.Divide(Handshakes("broker", latencyConcurrency)?.P50Ms, Handshakes("engine", latencyConcurrency)?.P50Ms),
            ["brokerMinusEngineP50Ms"] = MedianComparison.Subtract(Handshakes("broker", latencyConcurrency)?.P50Ms, Handshakes("engine", latencyConcurrency)?.P50Ms),
            ["engineToDirectCpu"] = MedianComparison.Divide(Handshakes("engine", rateConcurrency)?.CpuMsPerHandshake, Handshakes("direct", rateConcurrency)?.CpuMsPerHandshake),
            ["brokerToEngineCpu"] = MedianComparison.Divide(Handshakes("broker", rateConcurrency)?.CpuMsPerHandshake, Handshakes("engine", rateConcurrency)?.CpuMsPerHandshake),
            ["brokerResumedToFullRate"] = MedianComparison.Divide(
                Handshakes("broker", rateConcurrency, "resumed")?.HandshakesPerSecond, Handshakes("broker", rateConcurrency)?.HandshakesPerSecond),
            ["brokerToDirectDownload"] = MedianComparison.Divide(Throughput("broker", "download"), Throughput("direct", "download")),
            ["brokerToDirectUpload"] = MedianComparison.Divide(Throughput("broker", "upload"), Throughput("direct", "upload")),
            ["exportToDirectDownload"] = MedianComparison.Divide(Throughput("export", "download"), Throughput("direct", "download")),
            ["exportToDirectUpload"] = MedianComparison.Divide(Throughput("export", "upload"), Throughput("direct", "upload")),
        };
        var measured = comparisons.Where(pair => pair.Value is not null).ToDictionary(pair => pair.Key, pair => pair.Value!);

        return new BenchRatios
        {
            TlsVersion = label,
            Variant = variant.IsBase ? null : variant.Name,
            RateConcurrency = rateConcurrency,
            LatencyConcurrency = latencyConcurrency,
            BrokerToEngineRate = comparisons["brokerToEngineRate"]?.Value,
            BrokerToEngineP50 = comparisons["brokerToEngineP50"]?.Value,
            BrokerMinusEngineP50Ms = comparisons["brokerMinusEngineP50Ms"]?.Value,
            EngineToDirectCpu = comparisons["engineToDirectCpu"]?.Value,
            BrokerToEngineCpu = comparisons["brokerToEngineCpu"]?.Value,
            BrokerResumedToFullRate = comparisons["brokerResumedToFullRate"]?.Value,
            BrokerToDirectDownload = comparisons["brokerToDirectDownload"]?.Value,
            BrokerToDirectUpload = comparisons["brokerToDirectUpload"]?.Value,
            ExportToDirectDownload = comparisons["exportToDirectDownload"]?.Value,
            ExportToDirectUpload = comparisons["exportToDirectUpload"]?.Value,
            Noisy = [.. measured.Where(pair => pair.Value.IsNoisy).Select(pair => pair.Key)],
            InputSpreads = measured.ToDictionary(pair => pair.Key, pair => pair.Value.InputSpread),
        };
    }
}
