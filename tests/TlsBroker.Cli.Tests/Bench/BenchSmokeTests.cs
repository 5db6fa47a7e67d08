using System.Text.Json;
using TlsBroker.Cli.Tests.Infrastructure;
using TlsBroker.Testing;

namespace TlsBroker.Cli.Tests.Bench;

/// <summary>
/// A whole <c>tlsbroker bench --local-server</c> run with tiny counts: bench-server and the broker
/// start as child processes from the test's output folder, every path runs every phase, and the
/// JSON report holds every figure.
/// </summary>
[Trait("Category", "Functional")]
public sealed class BenchSmokeTests : IDisposable
{
    private const int Handshakes = 5;
    private const int IdleSessions = 20;
    private const long ThroughputBytes = 256 * 1024;

    private readonly string jsonPath = Path.Combine(Path.GetTempPath(), $"tlsbroker-bench-{Guid.NewGuid():N}.json");

    [Fact]
    public async Task Bench_LocalServerTinyCounts_ReportsEveryFigureForEveryPath()
    {
        int[] concurrency = [1, 2];
        string[] versions = ["1.3", "1.2"];
        string[] paths = ["direct", "engine", "broker"];

        // Two child processes start and every path runs every phase: on a loaded 2-core machine that takes more than one scenario's time.
        var run = await CliRun.InvokeWithinAsync(
            TestTimeouts.Scenario * 3, Stream.Null, "bench", "--local-server", "--handshakes", $"{Handshakes}", "--warmup", "2", "--concurrency", "1,2",
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
                    Assert.Equal(Handshakes, figures.GetProperty("completed").GetInt32());
                    Assert.Equal(0, figures.GetProperty("failed").GetInt32());
                    foreach (var field in new[] { "handshakesPerSecond", "p50Ms", "p99Ms", "cpuMsPerHandshake" })
                    {
                        Assert.True(figures.GetProperty(field).GetDouble() > 0, $"{path} {kind} {version} c={c}: {field} = {figures.GetProperty(field)}");
                    }

                    Assert.Equal(path == "broker", figures.GetProperty("brokerCpuMsPerHandshake").ValueKind == JsonValueKind.Number);
                    Assert.True(figures.GetProperty("jitMs").GetDouble() >= 0, figures.ToString());
                }
            }
        }

        var throughput = root.GetProperty("throughput").EnumerateArray().ToList();
        Assert.Equal(paths.Length * 2, throughput.Count);
        Assert.All(throughput, t =>
        {
            Assert.True(t.GetProperty("completed").GetBoolean(), t.ToString());
            Assert.Equal(ThroughputBytes, t.GetProperty("bytes").GetInt64());
            Assert.True(t.GetProperty("megabytesPerSecond").GetDouble() > 0, t.ToString());
            Assert.True(t.GetProperty("jitMs").GetDouble() >= 0, t.ToString());
        });

        var idle = Assert.Single(root.GetProperty("idleSessions").EnumerateArray());
        Assert.Equal(IdleSessions, idle.GetProperty("opened").GetInt32());
        Assert.Equal(IdleSessions, idle.GetProperty("usable").GetInt32());
        Assert.True(idle.GetProperty("brokerRssAfterBytes").GetInt64() > 0, idle.ToString());
        Assert.Equal(JsonValueKind.Number, idle.GetProperty("rssBytesPerSession").ValueKind);
        Assert.True(idle.GetProperty("brokerHeapAfterBytes").GetInt64() > 0, idle.ToString());
        Assert.Equal(JsonValueKind.Number, idle.GetProperty("managedHeapBytesPerSession").ValueKind);

        Assert.Contains("Ratios (issue 4 targets in brackets)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("warming up broker throughput", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Number, root.GetProperty("ratios")[0].GetProperty("brokerToEngineRate").ValueKind);
        Assert.All(root.GetProperty("ratios").EnumerateArray(), r => Assert.Equal(JsonValueKind.Number, r.GetProperty("brokerResumedToFullRate").ValueKind));
    }

    [Fact]
    public async Task Bench_BouncyCastleProvider_EngineAndStartedBrokerRunOnIt()
    {
        var run = await CliRun.InvokeWithinAsync(
            TestTimeouts.Scenario * 2, Stream.Null, "bench", "--local-server", "--crypto-provider", "bouncycastle", "--paths", "engine,broker",
            "--phases", "handshakes", "--tls", "1.3", "--concurrency", "1", "--handshakes", $"{Handshakes}", "--warmup", "0", "--phase-timeout", "30", "--json", jsonPath);

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
