using System.Globalization;
using TlsBroker.Bench.Phases;
using TlsBroker.Bench.Statistics;

namespace TlsBroker.Bench.Report;

/// <summary>The bench's human-readable output: the machine, one table per phase, and the ratios against issue 13's targets (issue 4's where 13 names none).</summary>
internal static class ReportTable
{
    public static string Format(BenchReport report)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        var machine = report.Machine;
        text.WriteLine($"TlsBroker bench against {report.Target.Server} (server name {report.Target.ServerName}{(report.Target.LocalServer ? ", local bench-server" : string.Empty)}), broker {report.Target.Broker ?? "not used"}");
        text.WriteLine($"Machine: {machine.ProcessorCount} CPUs, {machine.CpuModel}, {Size(machine.MemoryBytes)} RAM, {machine.Os}, {machine.Dotnet}");

        if (report.Handshakes.Count > 0)
        {
            text.WriteLine();
            text.WriteLine("Full handshakes (TCP connect + verified handshake + close; latency from TCP connect to verified handshake;");
            text.WriteLine($"CPU = bench process, plus the broker process on the broker path; {RunsLine(report.Settings)})");
            Table(text, ["path", "TLS", "conc", "done", "failed", "hs/s", "p50 ms", "p99 ms", "CPU ms/hs", "broker CPU ms/hs"],
                report.Handshakes.Select(h => new[]
                {
                    HandshakeLabel(h), h.TlsVersion, Int(h.Concurrency), $"{h.Completed}{(h.TimedOut ? " (time limit)" : string.Empty)}", Int(h.Failed),
                    Figure(h.HandshakesPerSecond, "0.0"), Figure(h.P50Ms, "0.00"), Figure(h.P99Ms, "0.00"), Figure(h.CpuMsPerHandshake, "0.00"),
                    Figure(h.BrokerCpuMsPerHandshake, "0.00"),
                }));
            foreach (var failed in report.Handshakes.Where(h => h.FirstFailure is not null))
            {
                text.WriteLine($"  {HandshakeLabel(failed)} TLS {failed.TlsVersion} c={failed.Concurrency}: first failure: {failed.FirstFailure}");
            }
        }

        if (report.Throughput.Count > 0)
        {
            text.WriteLine();
            text.WriteLine($"Throughput (transfers of {Size(report.Settings.ThroughputBytes)} in 16 KiB writes; MB = 10^6 bytes; {RunsLine(report.Settings)})");
            Table(text, ["path", "TLS", "direction", "MB/s", "CPU ms/MB", "result"],
                report.Throughput.Select(t => new[]
                {
                    PathLabel(t.Path, t.Variant), t.TlsVersion, t.Direction, Figure(t.MegabytesPerSecond, "0.0"), Figure(t.CpuMsPerMegabyte, "0.00"), t.Failure ?? "ok",
                }));
        }

        if (report.IdleSessions.Count > 0)
        {
            text.WriteLine();
            text.WriteLine("Idle sessions through the broker (RSS = broker VmRSS; heap = broker managed heap after its last GC, from /metrics;");
            text.WriteLine("every session then echoes one byte)");
            Table(text, ["broker", "sessions", "opened", "usable", "RSS before", "RSS after", "RSS/session", "heap before", "heap after", "heap/session", "note"],
                report.IdleSessions.Select(i => new[]
                {
                    PathLabel("broker", i.Variant), Int(i.Sessions), Int(i.Opened), Int(i.Usable), Size(i.BrokerRssBeforeBytes), Size(i.BrokerRssAfterBytes), Size(i.RssBytesPerSession),
                    Size(i.BrokerHeapBeforeBytes), Size(i.BrokerHeapAfterBytes), Size(i.ManagedHeapBytesPerSession), i.SkippedReason ?? i.FirstFailure ?? PeerNote(i),
                }));
        }

        if (RatioLines(report) is { Count: > 0 } ratioLines)
        {
            text.WriteLine();
            text.WriteLine("Ratios (median of the per-repeat ratios, each repeat measuring both paths side by side; targets in brackets: issue 13's, and issue 4's where 13 names none; ± = spread of the per-repeat ratios, ! above 10 %: not to be trusted)");
            foreach (var line in ratioLines)
            {
                text.WriteLine(line);
            }
        }

        foreach (var note in report.Notes)
        {
            text.WriteLine($"Note: {note}");
        }

        return text.ToString();
    }

    /// <summary>One line per group of ratios that was measured; none when no path pair ran (e.g. a single path).</summary>
    private static List<string> RatioLines(BenchReport report)
    {
        var lines = new List<string>();
        foreach (var r in report.Ratios)
        {
            var which = r.Variant is null ? $"TLS {r.TlsVersion}" : $"TLS {r.TlsVersion} {r.Variant}";
            if (r.BrokerToEngineRate is not null || r.BrokerMinusEngineP50Ms is not null || r.EngineToDirectCpu is not null)
            {
                lines.Add($"  {which}: broker/engine rate at c={r.RateConcurrency}: {Ratio(r, "brokerToEngineRate", r.BrokerToEngineRate)} [>= 0.9]; "
                    + $"broker/engine p50 at c={r.LatencyConcurrency}: {Ratio(r, "brokerToEngineP50", r.BrokerToEngineP50)} [<= 1.2], "
                    + $"broker - engine {Ratio(r, "brokerMinusEngineP50Ms", r.BrokerMinusEngineP50Ms)} ms [<= 0.5]; "
                    + $"engine/direct CPU per handshake at c={r.RateConcurrency}: {Ratio(r, "engineToDirectCpu", r.EngineToDirectCpu)} [<= 1]; "
                    + $"broker/engine CPU: {Ratio(r, "brokerToEngineCpu", r.BrokerToEngineCpu)} [<= 1.3]");
            }

            if (r.BrokerResumedToFullRate is not null)
            {
                lines.Add($"  {which}: broker resumed/full handshake rate at c={r.RateConcurrency}: {Ratio(r, "brokerResumedToFullRate", r.BrokerResumedToFullRate)} [>= 5]");
            }

            if (r.BrokerToDirectDownload is not null || r.BrokerToDirectUpload is not null)
            {
                lines.Add($"  {which}: broker/direct throughput: download {Ratio(r, "brokerToDirectDownload", r.BrokerToDirectDownload)}, upload {Ratio(r, "brokerToDirectUpload", r.BrokerToDirectUpload)} [>= 0.50]");
            }

            if (r.ExportToDirectDownload is not null || r.ExportToDirectUpload is not null)
            {
                lines.Add($"  {which}: key export/direct throughput: download {Ratio(r, "exportToDirectDownload", r.ExportToDirectDownload)}, upload {Ratio(r, "exportToDirectUpload", r.ExportToDirectUpload)} [>= 0.9]");
            }
        }

        foreach (var largest in report.IdleSessions.Where(i => i.Opened > 0).GroupBy(i => i.Variant).Select(g => g.MaxBy(i => i.Opened)!))
        {
            lines.Add($"  {PathLabel("broker", largest.Variant)} memory per idle session at {largest.Opened}: {Size(largest.RssBytesPerSession)} RSS, {Size(largest.ManagedHeapBytesPerSession)} managed heap [RSS <= 16 KiB at 100,000], {largest.Usable}/{largest.Opened} usable");
        }

        return lines;
    }

    private static void Table(TextWriter text, string[] header, IEnumerable<string[]> rows)
    {
        var all = new List<string[]> { header };
        all.AddRange(rows);
        var widths = header.Select((_, column) => all.Max(row => row[column].Length)).ToArray();
        foreach (var row in all)
        {
            // Text columns left-aligned, figures right-aligned.
            var cells = row.Select((cell, column) => column < 2 || cell.Length == 0 || !char.IsDigit(cell[0]) && cell != "-"
                ? cell.PadRight(widths[column])
                : cell.PadLeft(widths[column]));
            text.WriteLine("  " + string.Join("  ", cells).TrimEnd());
        }
    }

    private static string RunsLine(ReportSettings settings) => settings.Handshakes is { } count
        ? $"median of {settings.Repeats} runs of {count} handshakes each, ± spread = (max - min) / median, ! above 10 %"
        : string.Create(CultureInfo.InvariantCulture, $"median of {settings.Repeats} runs of {settings.DurationSeconds:0.###} s each, ± spread = (max - min) / median, ! above 10 %");

    /// <summary>"123.4 ±3%", with a "!" when the spread is above 10 %.</summary>
    private static string Figure(RepeatedFigure? figure, string format) => figure is null
        ? "-"
        : string.Create(CultureInfo.InvariantCulture, $"{figure.Median.ToString(format, CultureInfo.InvariantCulture)} ±{Percent(figure.Spread)}{(figure.IsNoisy ? "!" : string.Empty)}");

    private static string Ratio(BenchRatios ratios, string name, double? value) =>
        Number(value, "0.00") + (ratios.Spreads.TryGetValue(name, out var spread) ? $" (±{Percent(spread)}{(ratios.Noisy.Contains(name) ? "!" : string.Empty)})" : string.Empty);

    private static string Percent(double fraction) => double.IsFinite(fraction) ? string.Create(CultureInfo.InvariantCulture, $"{fraction * 100:0}%") : "inf";

    private static string HandshakeLabel(HandshakeRow figures) =>
        figures.Kind == "full" ? PathLabel(figures.Path, figures.Variant) : $"{PathLabel(figures.Path, figures.Variant)} {figures.Kind}";

    private static string PathLabel(string path, string? variant) => variant is null ? path : $"{path}/{variant}";

    /// <summary>How the bench's clients reached their TLS peers: over TCP (from which source addresses), or in memory.</summary>
    private static string PeerNote(Phases.IdleSessionFigures idle) => idle switch
    {
        { PeerTransport: "in-memory" } => "peers in-memory (open-file limit)",
        { SourceAddresses.Count: > 1 } => $"tcp from {idle.SourceAddresses[0]}..{idle.SourceAddresses[^1]}",
        _ => idle.PeerTransport ?? string.Empty,
    };

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";

    private static string Size(long? bytes) => bytes switch
    {
        null => "-",
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes.Value / (double)(1L << 30):0.0} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes.Value / (double)(1L << 20):0.0} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes.Value / 1024.0:0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes.Value} B"),
    };
}
