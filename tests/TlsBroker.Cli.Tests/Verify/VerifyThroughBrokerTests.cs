using System.Net;
using System.Net.Sockets;
using TlsBroker.Cli.Tests.Infrastructure;
using TlsBroker.Core.Verification;
using TlsBroker.Server.Callers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Cli.Tests.Verify;

/// <summary>
/// <c>tlsbroker verify --chain --servername</c> through a real in-process broker whose policy trusts the
/// scenario's root: the broker's verdict printed as openssl verify prints it, with openssl's number and
/// depth for the same chain, and the same verdict as the offline route.
/// </summary>
[Trait("Category", "Functional")]
public sealed class VerifyThroughBrokerTests
{
    [Theory]
    [InlineData("localhost")]
    [InlineData("wrong.test")]
    public async Task Run_ThroughBroker_SameAsOpenSslAndAsOffline(string serverName)
    {
        using var scenario = VerifyScenario.Create();
        var named = scenario.With(hostNames: [serverName]);
        await using var broker = await InProcessBroker.StartAsync(Path.Combine(scenario.Folder, "roots.pem"));
        var oracle = await named.OpenSslAsync();

        var run = await CliRun.InvokeAsync(string.Empty, "verify", "--chain", scenario.ChainPath, "--servername", serverName, "--broker", broker.Address.ToString());
        var offline = await CliRun.InvokeAsync(string.Empty, named.OfflineArguments());

        Assert.True(run.ExitCode == (oracle.Code == 0 ? ExitCodes.Success : ExitCodes.VerifyRejected), $"{run}\nopenssl:\n{oracle.Output}");
        Assert.Equal(offline, run);
        if (oracle.Code != 0)
        {
            Assert.Contains($"error {oracle.Code} at {oracle.Depth} depth lookup: {oracle.Text}", run.Stderr, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("ops@example.test")]
    [InlineData("other@example.test")]
    public async Task Run_EmailAndHostThroughBroker_BothKindsRequiredAsOffline(string email)
    {
        using var scenario = VerifyScenario.Create(spec => spec with { Emails = ["ops@example.test"] });
        var named = scenario.With(hostNames: ["localhost"], emails: [email]);
        await using var broker = await InProcessBroker.StartAsync(Path.Combine(scenario.Folder, "roots.pem"));
        var oracle = await named.OpenSslAsync();

        var run = await CliRun.InvokeAsync(
            string.Empty, "verify", "--chain", scenario.ChainPath, "--servername", "localhost", "--email", email, "--broker", broker.Address.ToString());
        var offline = await CliRun.InvokeAsync(string.Empty, named.OfflineArguments());

        Assert.True(run.ExitCode == (oracle.Code == 0 ? ExitCodes.Success : ExitCodes.VerifyRejected), $"{run}\nopenssl:\n{oracle.Output}");
        Assert.Equal(offline, run);
        if (oracle.Code != 0)
        {
            Assert.Contains($"error {oracle.Code} at {oracle.Depth} depth lookup", run.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Run_ShowChainWithPin_PrintsVerifiedPathAndMatchedPin()
    {
        using var scenario = VerifyScenario.Create();
        var pin = ServerPins.PinOf(scenario.Untrusted[0].Certificate);
        await using var broker = await InProcessBroker.StartAsync(Path.Combine(scenario.Folder, "roots.pem"), $"Broker:Policies:default:Pins:0={pin}");

        var run = await CliRun.InvokeAsync(string.Empty, "verify", "--chain", scenario.ChainPath, "--ip", "127.0.0.1", "--show-chain", "--broker", broker.Address.ToString());

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Equal(
            $"{scenario.ChainPath}: OK\nChain:\n"
            + "depth=0: O = TlsBroker Tests, CN = localhost (untrusted)\n"
            + "depth=1: O = TlsBroker Tests, CN = Verify Intermediate 1 (untrusted)\n"
            + "depth=2: O = TlsBroker Tests, CN = Verify Root\n"
            + $"Pins: matched at depth 1 (pin-sha256 {pin})\n",
            run.Stdout);
    }

    [Fact]
    public async Task Run_ApiKeyFile_AcceptedWithTheKeyAndBrokerErrorWithout()
    {
        using var scenario = VerifyScenario.Create();
        var key = ApiKeys.NewKey();
        await using var broker = await InProcessBroker.StartAsync(
            Path.Combine(scenario.Folder, "roots.pem"), $"Broker:Callers:cli:ApiKeyHashes:0={ApiKeys.Hash(key)}", "Broker:Callers:cli:Policies:0=default");
        var keyFile = Path.Combine(scenario.Folder, "api-key");
        await File.WriteAllTextAsync(keyFile, key + "\n");
        string[] verify = ["verify", "--chain", scenario.ChainPath, "--servername", "localhost", "--broker", broker.Address.ToString()];

        var withKey = await CliRun.InvokeAsync(string.Empty, [.. verify, "--api-key-file", keyFile]);
        var withoutKey = await CliRun.InvokeAsync(string.Empty, verify);

        Assert.True(withKey.ExitCode == ExitCodes.Success, withKey.ToString());
        Assert.Equal(ExitCodes.BrokerError, withoutKey.ExitCode);
        Assert.Contains("Unauthenticated", withoutKey.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(key, withKey.Stderr + withoutKey.Stderr + withKey.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BrokerNotListening_BrokerError()
    {
        using var scenario = VerifyScenario.Create();
        using var held = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        held.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)held.LocalEndPoint!).Port;

        var run = await CliRun.InvokeAsync(string.Empty, "verify", "--chain", scenario.ChainPath, "--servername", "localhost", "--broker", $"http://127.0.0.1:{port}", "--timeout", "5");

        Assert.True(run.ExitCode == ExitCodes.BrokerError, run.ToString());
        Assert.StartsWith($"tlsbroker: broker http://127.0.0.1:{port}/ failed: Unavailable", run.Stderr, StringComparison.Ordinal);
    }
}
