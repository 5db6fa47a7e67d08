using TlsBroker.Cli.Tests.Infrastructure;
using TlsBroker.Server.Callers;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Cli.Tests.Connect;

/// <summary><c>tlsbroker connect --api-key-file</c> against a real broker with one configured caller and a real <c>openssl s_server</c>.</summary>
[Trait("Category", "Functional")]
public sealed class ConnectApiKeyTests
{
    [Fact]
    public async Task Run_ApiKeyFile_AcceptedWithTheKeyAndRefusedWithout()
    {
        using var chain = TestChain.Create();
        var key = ApiKeys.NewKey();
        await using var broker = await InProcessBroker.StartAsync(
            chain.RootPath, $"Broker:Callers:cli:ApiKeyHashes:0={ApiKeys.Hash(key)}", "Broker:Callers:cli:Policies:0=default");
        await using var server = await OpenSslServer.StartAsync(chain, "-rev");
        var keyFile = chain.WriteFile("api-key", key + "\n");
        string[] connect = ["connect", $"127.0.0.1:{server.Port}", "--servername", "localhost", "--broker", broker.Address.ToString()];

        var withKey = await CliRun.InvokeAsync("CLOSE\n", [.. connect, "--api-key-file", keyFile]);
        var withoutKey = await CliRun.InvokeAsync("CLOSE\n", connect);

        Assert.True(withKey.ExitCode == ExitCodes.Success, withKey.ToString());
        Assert.Equal(ExitCodes.BrokerError, withoutKey.ExitCode);
        Assert.Contains("Unauthenticated", withoutKey.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(key, withKey.Stderr + withoutKey.Stderr, StringComparison.Ordinal);
    }
}
