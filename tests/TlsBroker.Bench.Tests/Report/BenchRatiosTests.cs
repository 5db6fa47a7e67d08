using TlsBroker.Bench.Phases;
using TlsBroker.Bench.Report;

namespace TlsBroker.Bench.Tests.Report;

/// <summary>The ratios, each the median of its per-repeat ratios, flagged when those spread more than 10 %.</summary>
[Trait("Category", "Unit")]
public sealed class BenchRatiosTests
{
    [Fact]
    public void Compute_RepeatedRows_MedianOfPerRepeatRatiosFlaggedWhenTheyDisagree()
    {
        var report = Report(
            Row("engine", rates: [100, 120, 80], p50s: [1.0, 1.2, 0.8]),
            Row("broker", rates: [90, 96, 80], p50s: [1.5, 1.8, 1.2]),
            Row("direct", rates: [200, 200, 200], p50s: [0.5, 0.5, 0.5]));

        var ratios = BenchRatios.Compute(BenchTlsVersion.Tls13, BenchVariant.Base, report);

        Assert.Equal(90.0 / 100, ratios.BrokerToEngineRate!.Value, precision: 12);
        Assert.Equal((80.0 / 80 - 96.0 / 120) / (90.0 / 100), ratios.Spreads["brokerToEngineRate"], precision: 12);
        Assert.Contains("brokerToEngineRate", ratios.Noisy);
        Assert.Equal(1.5 / 1.0, ratios.BrokerToEngineP50!.Value, precision: 12);
        Assert.Equal(0, ratios.Spreads["brokerToEngineP50"], precision: 12);
        Assert.DoesNotContain("brokerToEngineP50", ratios.Noisy);
        Assert.Equal(1.5 - 1.0, ratios.BrokerMinusEngineP50Ms!.Value, precision: 12);
        Assert.Equal(((1.8 - 1.2) - (1.2 - 0.8)) / (1.5 - 1.0), ratios.Spreads["brokerMinusEngineP50Ms"], precision: 12);
    }

    [Fact]
    public void Compute_MachineDriftsBetweenRepeats_RatioFollowsTheRepeatsNotTheRowsMedians()
    {
        // The second repeat ran fast and the third slow for both paths; each repeat alone says 0.9.
        var report = Report(
            Row("engine", rates: [100, 200, 50], p50s: [1.0, 0.5, 2.0]),
            Row("broker", rates: [90, 180, 45], p50s: [1.1, 0.55, 2.2]));

        var ratios = BenchRatios.Compute(BenchTlsVersion.Tls13, BenchVariant.Base, report);

        Assert.Equal(0.9, ratios.BrokerToEngineRate!.Value, precision: 12);
        Assert.Equal(0, ratios.Spreads["brokerToEngineRate"], precision: 12);
        Assert.DoesNotContain("brokerToEngineRate", ratios.Noisy);
        Assert.DoesNotContain("brokerToEngineP50", ratios.Noisy);
        Assert.True(report.Handshakes[0].HandshakesPerSecond!.IsNoisy);
    }

    [Fact]
    public void Compute_PathNotRun_RatioNullAndNeitherFlaggedNorSpread()
    {
        var report = Report(Row("engine", rates: [100, 100, 100], p50s: [1.0, 1.0, 1.0]));

        var ratios = BenchRatios.Compute(BenchTlsVersion.Tls13, BenchVariant.Base, report);

        Assert.Null(ratios.BrokerToEngineRate);
        Assert.False(ratios.Spreads.ContainsKey("brokerToEngineRate"));
        Assert.Empty(ratios.Noisy);
    }

    [Fact]
    public void Compute_ExportAndDirectThroughput_ExportRatiosEachWayBrokerRatioNull()
    {
        var report = Report() with
        {
            Throughput =
            [
                Transfers("direct", "download", [400, 400, 400]),
                Transfers("direct", "upload", [300, 310, 320]),
                Transfers("export", "download", [360, 380, 440]),
                Transfers("export", "upload", [300, 300, 300]),
            ],
        };

        var ratios = BenchRatios.Compute(BenchTlsVersion.Tls13, BenchVariant.Base, report);

        Assert.Equal(0.95, ratios.ExportToDirectDownload!.Value, precision: 12);
        Assert.Equal(300.0 / 310, ratios.ExportToDirectUpload!.Value, precision: 12);
        Assert.Equal((440.0 / 400 - 360.0 / 400) / (380.0 / 400), ratios.Spreads["exportToDirectDownload"], precision: 12);
        Assert.Contains("exportToDirectDownload", ratios.Noisy);
        Assert.DoesNotContain("exportToDirectUpload", ratios.Noisy);
        Assert.Null(ratios.BrokerToDirectDownload);
    }

    [Fact]
    public void Compute_Variant_NoExportRatioAsTheExportPathRunsOnlyUnderTheBasePolicies()
    {
        var report = Report() with
        {
            Throughput = [Transfers("direct", "download", [400]), Transfers("export", "download", [380])],
        };
        var variant = new BenchVariant("nocache", new Dictionary<string, string> { ["VerifiedChainCache:MaxEntries"] = "0" });

        var ratios = BenchRatios.Compute(BenchTlsVersion.Tls13, variant, report);

        Assert.Null(ratios.ExportToDirectDownload);
    }

    [Fact]
    public void Format_ThroughputOnlyRun_PrintsTheExportRatioWithItsTarget()
    {
        var report = Report() with
        {
            Throughput = [Transfers("direct", "download", [400]), Transfers("direct", "upload", [400]), Transfers("export", "download", [380]), Transfers("export", "upload", [420])],
        };
        report = report with { Ratios = [BenchRatios.Compute(BenchTlsVersion.Tls13, BenchVariant.Base, report)] };

        var text = ReportTable.Format(report);

        Assert.Contains("TLS 1.3: key export/direct throughput: download 0.95 (±0%), upload 1.05 (±0%) [>= 0.9]", text, StringComparison.Ordinal);
        Assert.DoesNotContain("broker/engine rate", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_NoPairOfPathsMeasured_NoRatiosSection()
    {
        var report = Report() with { Throughput = [Transfers("export", "download", [380]), Transfers("export", "upload", [420])] };
        report = report with { Ratios = [BenchRatios.Compute(BenchTlsVersion.Tls13, BenchVariant.Base, report)] };

        var text = ReportTable.Format(report);

        Assert.Contains("export  1.3  download", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Ratios (", text, StringComparison.Ordinal);
    }

    private static ThroughputRow Transfers(string path, string direction, double[] megabytesPerSecond) =>
        ThroughputRow.From([.. megabytesPerSecond.Select(rate => new ThroughputFigures
        {
            Path = path,
            Direction = direction,
            TlsVersion = "1.3",
            Bytes = 64_000_000,
            Transfers = 1,
            Completed = true,
            Seconds = 64 / rate,
            MegabytesPerSecond = rate,
            CpuMsPerMegabyte = 1,
        })]);

    private static HandshakeRow Row(string path, double[] rates, double[] p50s) =>
        HandshakeRow.From([.. rates.Zip(p50s, (rate, p50) => new HandshakeFigures
        {
            Path = path,
            Kind = "full",
            TlsVersion = "1.3",
            Concurrency = 8,
            Requested = 100,
            Completed = 100,
            Failed = 0,
            TimedOut = false,
            Seconds = 100 / rate,
            Slices = 1,
            HandshakesPerSecond = rate,
            P50Ms = p50,
            P99Ms = p50 * 2,
            CpuMsPerHandshake = 1,
            BenchCpuMsPerHandshake = 1,
            BrokerCpuMsPerHandshake = null,
        })]);

    private static BenchReport Report(params HandshakeRow[] rows) => new()
    {
        StartedUtc = DateTimeOffset.UnixEpoch,
        Machine = new MachineInfo { ProcessorCount = 2, CpuModel = "test", MemoryBytes = null, Os = "test", Dotnet = "test" },
        Target = new ReportTarget { Server = "127.0.0.1:1", ServerName = "localhost", LocalServer = true, BrokerStartedByBench = true },
        Settings = ReportSettings.From(new BenchSettings { LocalServer = true, Concurrency = [8] }),
        Handshakes = rows,
    };
}
