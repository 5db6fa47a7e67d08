using TlsBroker.Cli.Tests.Infrastructure;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Cli.Tests.Connect;

/// <summary>Failures before any TLS: the server or the broker cannot be reached.</summary>
[Trait("Category", "Functional")]
public sealed class ConnectRunnerFailureTests
{
    [Fact]
    public async Task Run_NothingListeningOnServerPort_ExitsServerUnreachable()
    {
        await using var nowhere = ClosedPort.Reserve();
        var port = nowhere.Port;

        var run = await CliRun.InvokeAsync(string.Empty, "connect", $"127.0.0.1:{port}", "--timeout", "5");

        Assert.True(run.ExitCode == ExitCodes.ServerUnreachable, run.ToString());
        Assert.Contains($"cannot connect to 127.0.0.1:{port}", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_NothingListeningOnBrokerUrl_ExitsBrokerError()
    {
        using var chain = TestChain.Create();
        await using var server = await OpenSslServer.StartAsync(chain, "-rev");
        await using var nowhere = ClosedPort.Reserve();
        var brokerPort = nowhere.Port;

        var run = await CliRun.InvokeAsync(
            "hello\n", "connect", $"127.0.0.1:{server.Port}", "--servername", "localhost", "--broker", $"http://127.0.0.1:{brokerPort}", "--timeout", "5");

        Assert.True(run.ExitCode == ExitCodes.BrokerError, run.ToString());
        Assert.Contains($"broker http://127.0.0.1:{brokerPort}/ failed: Unavailable", run.Stderr, StringComparison.Ordinal);
    }
}
