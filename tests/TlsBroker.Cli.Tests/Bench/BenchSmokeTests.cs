using System.Text.Json;
using TlsBroker.Cli.Tests.Infrastructure;
using TlsBroker.Testing;

namespace TlsBroker.Cli.Tests.Bench;

/// <summary>
/// A whole <c>tlsbroker bench --local-server</c> run with tiny counts: bench-server and the broker
/// start as child processes from the test's output folder (the broker found through its ready
/// file), every path runs every phase twice, and the JSON report holds every figure.
/// </summary>
[Trait("Category", "Functional")]
public sealed class BenchSmokeTests : IDisposable
{
    private const int Handshakes = 5;
    private const int Repeats = 2;
    private const int IdleSessions = 20;
    private const long ThroughputBytes = 256 * 1024;

    private readonly string jsonPath = Path.Combine(Path.GetTempPath(), $"tlsbroker-bench-{Guid.NewGuid():N}.json");

    [Fact]
    public async Task Bench_LocalServerTinyCounts_ReportsEveryFigureForEveryPath()
    {
        int[] concurrency = [1, 2];
        string[] versions = ["1.3", "1.2"];
        string[] paths = ["direct", "engine", "broker"];

        // The default paths: the three above, and export in the throughput phase only.
        string[] throughputPaths = [.. paths, "export"];

        // Two child processes start and every path runs every phase: on a loaded 2-core machine that takes more than one scenario's time.
        var run = await CliRun.InvokeWithinAsync(
            TestTimeouts.Scenario * 3, Stream.Null, "bench", "--local-server", "--handshakes", $"{Handshakes}", "--repeats", $"{Repeats}", "--duration", "0.2", "--warmup", "0.5", "--concurrency", "1,2",
            "--throughput-size", "256KiB", "--idle-sessions", $"{IdleSessions}", "--phase-timeout", "30", "--json", jsonPath);

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(jsonPath));
        var root = report.RootElement;
        var handshakes = root.GetProperty("handshakes").EnumerateArray().ToList();
        // Every path, version and concurrency once with full handshakes; the broker once more resuming, at every version.
        Assert.Equal((paths.Length + 1) * versions.Length * concurrency.Length, handshakes.Count);
        foreach (var (path, kind) in paths.Select(p => (p, "full")).Append(("broker", "resumed")))
        {
            foreach (var version in versions)
            {
                foreach (var c in concurrency)
                {
                    var figures = handshakes.Single(h =>
                        h.GetProperty("path").GetString() == path && h.GetProperty("kind").GetString() == kind
                        && h.GetProperty("tlsVersion").GetString() == version && h.GetProperty("concurrency").GetInt32() == c);
                    Assert.Equal(Handshakes * Repeats, figures.GetProperty("completed").GetInt32());
                    Assert.Equal(0, figures.GetProperty("failed").GetInt32());
                    Assert.Equal(Repeats, figures.GetProperty("runs").GetArrayLength());
                    Assert.All(figures.GetProperty("runs").EnumerateArray(), run => Assert.Equal(Handshakes, run.GetProperty("completed").GetInt32()));
                    foreach (var field in new[] { "handshakesPerSecond", "p50Ms", "p99Ms", "cpuMsPerHandshake" })
                    {
                        var figure = figures.GetProperty(field);
                        Assert.True(figure.GetProperty("median").GetDouble() > 0, $"{path} {kind} {version} c={c}: {field} = {figure}");
                        Assert.Equal(Repeats, figure.GetProperty("count").GetInt32());
                        Assert.True(figure.GetProperty("spread").GetDouble() >= 0, figure.ToString());
                    }

                    Assert.Equal(path == "broker", figures.GetProperty("brokerCpuMsPerHandshake").ValueKind == JsonValueKind.Object);
                    Assert.True(figures.GetProperty("jitMs").GetDouble() >= 0, figures.ToString());
                }
            }
        }

        var throughput = root.GetProperty("throughput").EnumerateArray().ToList();
        Assert.Equal(throughputPaths.Length * 2, throughput.Count);
        Assert.Equal(throughputPaths, throughput.Select(t => t.GetProperty("path").GetString()).Distinct());
        Assert.All(throughput, t =>
        {
            Assert.True(t.GetProperty("completed").GetBoolean(), t.ToString());
            Assert.True(t.GetProperty("megabytesPerSecond").GetProperty("median").GetDouble() > 0, t.ToString());
            Assert.True(t.GetProperty("jitMs").GetDouble() >= 0, t.ToString());
            Assert.Equal(Repeats, t.GetProperty("runs").GetArrayLength());
            Assert.All(t.GetProperty("runs").EnumerateArray(), run =>
            {
                // Transfers of --throughput-size each, repeated until they add up to --duration.
                Assert.True(run.GetProperty("transfers").GetInt32() >= 1, run.ToString());
                Assert.Equal(ThroughputBytes * run.GetProperty("transfers").GetInt32(), run.GetProperty("bytes").GetInt64());
            });
        });

        // Every path's handshakes at both versions, then every path's throughput: each warm-up ran and says how it ended.
        var warmups = root.GetProperty("warmups").EnumerateArray().ToList();
        Assert.Equal(((paths.Length + 1) * versions.Length) + throughputPaths.Length, warmups.Count);
        Assert.All(warmups, w => Assert.True(w.GetProperty("rounds").GetInt32() >= 1, w.ToString()));

        // The broker's JIT counters come from its /metrics: a warm-up of the broker or export path read them, the others have none.
        Assert.All(warmups, w => Assert.Equal(
            w.GetProperty("what").GetString()!.Split(' ')[0] is "broker" or "export",
            w.GetProperty("lastRoundBrokerMethods").ValueKind == JsonValueKind.Number));

        var idle = Assert.Single(root.GetProperty("idleSessions").EnumerateArray());
        Assert.Equal(IdleSessions, idle.GetProperty("opened").GetInt32());
        Assert.Equal(IdleSessions, idle.GetProperty("usable").GetInt32());
        Assert.True(idle.GetProperty("brokerRssAfterBytes").GetInt64() > 0, idle.ToString());
        Assert.Equal(JsonValueKind.Number, idle.GetProperty("rssBytesPerSession").ValueKind);
        Assert.True(idle.GetProperty("brokerHeapAfterBytes").GetInt64() > 0, idle.ToString());
        Assert.Equal(JsonValueKind.Number, idle.GetProperty("managedHeapBytesPerSession").ValueKind);

        Assert.Contains("Ratios (median of the per-repeat ratios", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("warming up broker throughput", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Number, root.GetProperty("ratios")[0].GetProperty("brokerToEngineRate").ValueKind);
        Assert.True(root.GetProperty("ratios")[0].GetProperty("spreads").GetProperty("brokerToEngineRate").GetDouble() >= 0);
        Assert.All(root.GetProperty("ratios").EnumerateArray(), r => Assert.Equal(JsonValueKind.Number, r.GetProperty("brokerResumedToFullRate").ValueKind));
        Assert.Equal(JsonValueKind.Number, root.GetProperty("ratios")[0].GetProperty("exportToDirectUpload").ValueKind);
    }

    [Fact]
    public async Task Bench_ExportPath_BrokerHandshakeThenOwnRecordLayerCarriesEveryTransfer()
    {
        // TLS 1.2 too: the preflight handshake of every path and version exports that version's keys; throughput runs TLS 1.3.
        var run = await CliRun.InvokeWithinAsync(
            TestTimeouts.Scenario * 2, Stream.Null, "bench", "--local-server", "--paths", "direct,export", "--phases", "throughput", "--tls", "1.3,1.2",
            "--repeats", "1", "--duration", "0.2", "--warmup", "0", "--throughput-size", "256KiB", "--phase-timeout", "30", "--json", jsonPath);

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(jsonPath));
        var root = report.RootElement;
        Assert.Empty(root.GetProperty("handshakes").EnumerateArray());
        var export = root.GetProperty("throughput").EnumerateArray().Where(t => t.GetProperty("path").GetString() == "export").ToList();
        Assert.Equal(["download", "upload"], export.Select(t => t.GetProperty("direction").GetString()));
        Assert.All(export, t =>
        {
            Assert.True(t.GetProperty("completed").GetBoolean(), t.ToString());
            Assert.Equal("1.3", t.GetProperty("tlsVersion").GetString());
            Assert.True(t.GetProperty("megabytesPerSecond").GetProperty("median").GetDouble() > 0, t.ToString());
            var only = Assert.Single(t.GetProperty("runs").EnumerateArray());
            Assert.Equal(ThroughputBytes * only.GetProperty("transfers").GetInt32(), only.GetProperty("bytes").GetInt64());
        });

        var ratios = root.GetProperty("ratios")[0];
        Assert.Equal("1.3", ratios.GetProperty("tlsVersion").GetString());
        Assert.True(ratios.GetProperty("exportToDirectDownload").GetDouble() > 0, ratios.ToString());
        Assert.True(ratios.GetProperty("exportToDirectUpload").GetDouble() > 0, ratios.ToString());
        Assert.Equal(JsonValueKind.Null, ratios.GetProperty("brokerToDirectDownload").ValueKind);
        Assert.Contains("TLS 1.3: key export/direct throughput: download", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_BouncyCastleProvider_EngineAndStartedBrokerRunOnIt()
    {
        var run = await CliRun.InvokeWithinAsync(
            TestTimeouts.Scenario * 2, Stream.Null, "bench", "--local-server", "--crypto-provider", "bouncycastle", "--paths", "engine,broker",
            "--phases", "handshakes", "--tls", "1.3", "--concurrency", "1", "--handshakes", $"{Handshakes}", "--repeats", "1", "--warmup", "0", "--phase-timeout", "30", "--json", jsonPath);

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(jsonPath));
        Assert.Equal("bouncycastle", report.RootElement.GetProperty("settings").GetProperty("cryptoProvider").GetString());
        var handshakes = report.RootElement.GetProperty("handshakes").EnumerateArray().ToList();
        // The broker twice: full handshakes, then resuming them (a resumed row counts a full handshake as a failure).
        Assert.Equal(["broker", "broker", "engine"], handshakes.Select(h => h.GetProperty("path").GetString()).Order());
        Assert.All(handshakes, h => Assert.Equal(Handshakes, h.GetProperty("completed").GetInt32()));
    }

    public void Dispose() => File.Delete(jsonPath);
}
