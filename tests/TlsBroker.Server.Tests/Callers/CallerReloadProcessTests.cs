using Grpc.Core;
using Grpc.Net.Client;
using TlsBroker.Server.Callers;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests.Callers;

/// <summary>Callers live in the operator's configuration file: editing it revokes a key on the running broker process.</summary>
[Trait("Category", "Functional")]
public sealed class CallerReloadProcessTests
{
    [Fact]
    public async Task Reload_KeyRemovedFromConfigFile_RevokedOnTheRunningBroker()
    {
        using var chain = TestChain.Create();
        var (oldKey, newKey) = (ApiKeys.NewKey(), ApiKeys.NewKey());
        var config = new BrokerConfigFile(Path.Combine(chain.Folder, "broker.json"));
        config.Write(Callers(ApiKeys.Hash(oldKey), ApiKeys.Hash(newKey)));
        await using var broker = await BrokerProcess.StartAsync([], "--config", config.Path);
        using var channel = GrpcChannel.ForAddress(broker.Address);
        var (before, _) = await CallerClients.StartAsync(CallerClients.WithApiKey(channel, oldKey));

        config.Write(Callers(ApiKeys.Hash(newKey)));
        await broker.WaitForOutputAsync("Configuration reloaded");
        var (_, revoked) = await CallerClients.StartAsync(CallerClients.WithApiKey(channel, oldKey));
        var (kept, _) = await CallerClients.StartAsync(CallerClients.WithApiKey(channel, newKey));

        Assert.NotNull(before);
        Assert.Equal(StatusCode.Unauthenticated, revoked.StatusCode);
        Assert.NotNull(kept);
        Assert.DoesNotContain(oldKey, broker.Output, StringComparison.Ordinal);
    }

    private static object Callers(params string[] hashes) => new
    {
        Callers = new Dictionary<string, object> { ["billing"] = new { ApiKeyHashes = hashes, Policies = new[] { "default" } } },
    };
}
