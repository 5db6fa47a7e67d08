using System.Text.Json;
using TlsBroker.Bench;
using TlsBroker.Cli.Bench;
using TlsBroker.Cli.Tests.Infrastructure;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Cli.Tests.Bench;

/// <summary>tlsbroker bench's answers to bad input and to a HOST:PORT target: a clear message and a documented exit code.</summary>
public sealed class BenchCommandTests
{
    [Theory]
    [Trait("Category", "Unit")]
    [InlineData("localhost", "is not HOST:PORT")]
    [InlineData("127.0.0.1:99999", "is not a TCP port")]
    public async Task Bench_BadHostPort_ExitsUsage(string target, string message)
    {
        var run = await CliRun.InvokeAsync(string.Empty, "bench", target);

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [Trait("Category", "Unit")]
    [InlineData]
    [InlineData("127.0.0.1:443", "--local-server")]
    public async Task Bench_NotExactlyOneTarget_ExitsUsage(params string[] arguments)
    {
        var run = await CliRun.InvokeAsync(string.Empty, ["bench", .. arguments]);

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains("give either HOST:PORT or --local-server", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [Trait("Category", "Unit")]
    [InlineData("--concurrency", "8,0", "0")]
    [InlineData("--duration", "0", "0")]
    [InlineData("--repeats", "0", "0")]
    [InlineData("--warmup", "soon", "soon")]
    [InlineData("--tls", "1.3,1.1", "1.1")]
    [InlineData("--paths", "direct,openssl", "openssl")]
    [InlineData("--throughput-size", "64MB", "64MB")]
    [InlineData("--crypto-provider", "openssl", "openssl")]
    [InlineData("--crypto-provider", "dotnet,bouncycastle", "dotnet,bouncycastle")]
    [InlineData("--variant", "No Cache:VerifiedChainCache:MaxEntries=0", "No Cache:VerifiedChainCache:MaxEntries=0")]
    [InlineData("--variant", "nocache:MaxEntries", "MaxEntries")]
    public async Task Bench_BadOptionValue_ExitsUsageNamingTheValue(string option, string value, string bad)
    {
        var run = await CliRun.InvokeAsync(string.Empty, "bench", "--local-server", option, value);

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains($"'{bad}'", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [Trait("Category", "Unit")]
    [InlineData("export", new[] { "export" })]
    [InlineData("Direct,export,direct", new[] { "direct", "export" })]
    public async Task Bench_PathsWithExport_ParsedInOrderOnce(string paths, string[] expected)
    {
        BenchSettings? parsed = null;
        var command = BenchCommand.Create((settings, _) =>
        {
            parsed = settings;
            return Task.FromResult(0);
        });

        var exitCode = await command.Parse(["--local-server", "--paths", paths]).InvokeAsync().WaitAsync(TestTimeouts.Scenario);

        Assert.Equal(0, exitCode);
        Assert.Equal(expected, parsed!.Paths.Select(p => p.Label()));
    }

    [Fact]
    [Trait("Category", "Unit")]
    public async Task Bench_UnknownPath_ErrorListsExport()
    {
        var run = await CliRun.InvokeAsync(string.Empty, "bench", "--local-server", "--paths", "keys");

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains("'keys' is not a path: use direct, engine, broker, export", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Functional")]
    public async Task Bench_VariantWithUnknownPolicySetting_ExitsUsage()
    {
        var run = await CliRun.InvokeAsync(string.Empty, "bench", "--local-server", "--paths", "engine", "--variant", "odd:NoSuchSetting=1");

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains("variant 'odd'", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("NoSuchSetting", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Functional")]
    public async Task Bench_NothingListening_ExitsServerUnreachable()
    {
        await using var nowhere = ClosedPort.Reserve();
        var port = nowhere.Port;

        var run = await CliRun.InvokeAsync(string.Empty, "bench", $"127.0.0.1:{port}", "--paths", "direct");

        Assert.True(run.ExitCode == ExitCodes.ServerUnreachable, run.ToString());
        Assert.Contains($"cannot connect to 127.0.0.1:{port}", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Functional")]
    public async Task Bench_ServerNotTrusted_ExitsTlsFailure()
    {
        using var chain = TestChain.Create();
        using var stranger = TestChain.Create();
        await using var server = await OpenSslServer.StartAsync(chain);

        var run = await CliRun.InvokeAsync(
            string.Empty, "bench", $"127.0.0.1:{server.Port}", "--servername", "localhost", "--trust", stranger.RootPath, "--paths", "engine");

        Assert.True(run.ExitCode == ExitCodes.TlsFailure, run.ToString());
        Assert.Contains("the engine path cannot complete a TLS 1.3 handshake", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Functional")]
    public async Task Bench_HostPortTarget_RunsOnlyHandshakesAndSaysSo()
    {
        using var chain = TestChain.Create();
        await using var server = await OpenSslServer.StartAsync(chain);
        var jsonPath = chain.WriteFile("bench.json", string.Empty);

        var run = await CliRun.InvokeAsync(
            string.Empty, "bench", $"127.0.0.1:{server.Port}", "--servername", "localhost", "--trust", chain.RootPath,
            "--paths", "direct,engine", "--handshakes", "3", "--repeats", "1", "--warmup", "0", "--concurrency", "1", "--json", jsonPath,
            "--variant", "nocache:VerifiedChainCache:MaxEntries=0");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("against HOST:PORT only the handshake phases ran", run.Stdout, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(jsonPath));
        var handshakes = report.RootElement.GetProperty("handshakes").EnumerateArray().ToList();
        Assert.Equal(6, handshakes.Count);
        Assert.All(handshakes, h => Assert.Equal(3, h.GetProperty("completed").GetInt32()));
        Assert.Equal(2, handshakes.Count(h => h.GetProperty("path").GetString() == "engine" && h.GetProperty("variant").GetString() == "nocache"));
        Assert.Empty(report.RootElement.GetProperty("throughput").EnumerateArray());
    }
}
