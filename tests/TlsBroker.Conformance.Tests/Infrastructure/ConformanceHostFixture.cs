using TlsBroker.Testing;

namespace TlsBroker.Conformance.Tests.Infrastructure;

/// <summary>
/// One host run shared by a test class: its command prints where the environment file is, then
/// waits for a line on stdin (the exit code to end with), so the environment stays up while the
/// tests probe it.
/// </summary>
public sealed class ConformanceHostFixture : IAsyncLifetime
{
    /// <summary>The command: announce both files, then exit with the code the test writes on stdin.</summary>
    internal const string WaitingCommand =
        """printf 'results=%s\nenvironment=%s\n' "$TLSBROKER_CONFORMANCE_RESULTS" "$TLSBROKER_CONFORMANCE"; read code; exit "$code" """;

    private HostRun? host;

    internal HostRun Host => host ?? throw new InvalidOperationException("not started");

    internal EnvironmentFile Environment { get; private set; } = null!;

    internal string EnvironmentPath { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        host = HostRun.Start("--", "sh", "-c", WaitingCommand);
        EnvironmentPath = await host.WaitForLineAsync("environment=");
        Environment = EnvironmentFile.Read(EnvironmentPath);
    }

    public async Task DisposeAsync()
    {
        if (host is not null)
        {
            await host.WriteLineAsync("0");
            await host.WaitForExitAsync().WaitAsync(TestTimeouts.Scenario);
            await host.DisposeAsync();
        }
    }
}
