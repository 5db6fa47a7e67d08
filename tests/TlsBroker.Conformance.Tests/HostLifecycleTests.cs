using System.Diagnostics;
using System.Globalization;
using TlsBroker.Conformance.Tests.Infrastructure;
using TlsBroker.Testing;

namespace TlsBroker.Conformance.Tests;

/// <summary>What the host promises around the command: its exit code, the results table, and nothing left running afterwards.</summary>
[Collection(ConformanceHostCollection.Name)]
[Trait("Category", "Functional")]
public sealed class HostLifecycleTests : IDisposable
{
    /// <summary>Copies the environment file to $1 and writes the command's pid to $2, so the test can check afterwards what was stopped.</summary>
    private const string Remember = """cp "$TLSBROKER_CONFORMANCE" "$1" && echo $$ > "$2" && echo ready; """;

    private readonly string folder = Directory.CreateTempSubdirectory("tlsbroker-conformance-selftest-").FullName;

    private string EnvironmentCopy => Path.Combine(folder, "environment.json");

    private string CommandPid => Path.Combine(folder, "command.pid");

    [Fact]
    public async Task Run_CommandReportsAndExits3_Exit3TableAndEverythingStopped()
    {
        const string report = """
            printf '%s\n' '{"client": "selftest", "case": "handshake_verified", "outcome": "pass"}' >> "$TLSBROKER_CONFORMANCE_RESULTS"
            printf '%s\n' '{"client": "selftest", "case": "server_alert", "outcome": "fail", "detail": "no alert"}' >> "$TLSBROKER_CONFORMANCE_RESULTS"
            exit 3
            """;
        await using var host = HostRun.Start("--", "sh", "-c", Remember + report, "sh", EnvironmentCopy, CommandPid);

        Assert.Equal(3, await host.WaitForExitAsync());
        Assert.Matches(@"(?m)^selftest +handshake_verified +pass *$", host.Output);
        Assert.Matches(@"(?m)^selftest +server_alert +FAIL +no alert *$", host.Output);
        Assert.Matches(@"(?m)^selftest +resumption +not run *$", host.Output);
        Assert.Contains("conformance: 1 passed, 1 failed", host.Output, StringComparison.Ordinal);
        await AssertEverythingStoppedAsync(host);
    }

    [Fact]
    public async Task Run_CommandOutlivesTimeout_CommandKilledExit124()
    {
        await using var host = HostRun.Start("--timeout", "2", "--", "sh", "-c", Remember + "exec sleep 600", "sh", EnvironmentCopy, CommandPid);

        Assert.Equal(124, await host.WaitForExitAsync());
        Assert.Contains("outlived the time limit", host.Output, StringComparison.Ordinal);
        await AssertEverythingStoppedAsync(host);
    }

    [Fact]
    public async Task Run_HostGetsSigterm_CommandKilledExit143()
    {
        await using var host = HostRun.Start("--", "sh", "-c", Remember + "exec sleep 600", "sh", EnvironmentCopy, CommandPid);
        await host.WaitForLineAsync("ready");
        var (killed, output) = await BoundedCommand.RunAsync("kill", ["-TERM", host.ProcessId.ToString(CultureInfo.InvariantCulture)]);
        Assert.True(killed == 0, output);

        Assert.Equal(143, await host.WaitForExitAsync());
        await AssertEverythingStoppedAsync(host);
    }

    [Fact]
    public async Task Run_PeerToolsNotOnPath_Exit1WithOneLineReasonAndCommandNeverRuns()
    {
        var marker = Path.Combine(folder, "command-ran");
        await using var host = HostRun.StartWithPath(folder, "--", "/bin/sh", "-c", """: > "$1" """, "sh", marker);

        Assert.Equal(1, await host.WaitForExitAsync());
        Assert.Matches(@"(?m)^conformance: the environment did not start: \S.*$", host.Output);
        Assert.DoesNotContain("conformance results", host.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(marker), "the command ran");
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private async Task AssertEverythingStoppedAsync(HostRun host)
    {
        Assert.True(File.Exists(EnvironmentCopy), $"the command did not run:\n{host.Output}");
        var environment = EnvironmentFile.Read(EnvironmentCopy);
        Assert.False(IsRunning(int.Parse(File.ReadAllText(CommandPid), CultureInfo.InvariantCulture)), "the command still runs");
        Assert.False(IsRunning(environment.Root.GetProperty("doomedBroker").GetProperty("pid").GetInt32()), "the doomed broker still runs");
        // By process, not by port: a port freed by the stop may be taken at once by a peer another test starts.
        // The peers without a pid ran inside the host, whose exit the caller asserted.
        Assert.False(IsRunning(environment.Root.GetProperty("broker").GetProperty("pid").GetInt32()), "the broker still runs");
        foreach (var peer in environment.Root.GetProperty("peers").EnumerateObject())
        {
            if (peer.Value.TryGetProperty("pid", out var pid))
            {
                Assert.False(IsRunning(pid.GetInt32()), $"the peer {peer.Name} still runs");
            }
        }

        Assert.False(File.Exists(environment.CaFile), "the environment's files are still there");
        Assert.Contains("conformance: environment stopped", host.Output, StringComparison.Ordinal);
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
