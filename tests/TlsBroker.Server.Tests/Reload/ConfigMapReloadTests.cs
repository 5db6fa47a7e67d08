using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TlsBroker.Server.Reload;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests.Reload;

/// <summary>
/// The operator's configuration file in a Kubernetes ConfigMap volume: broker.json is a link to
/// ..data/broker.json, and an update repoints ..data at a new folder in one rename (rename(2), as <c>mv -T</c>). The configuration
/// provider's own watch does not see that; the broker's file watch does.
/// </summary>
[Trait("Category", "Functional")]
public sealed class ConfigMapReloadTests : IAsyncDisposable
{
    private readonly CapturingLoggerProvider logs = new();
    private readonly TestChain chain = TestChain.Create();

    public async ValueTask DisposeAsync()
    {
        await Task.CompletedTask;
        chain.Dispose();
    }

    [Fact]
    public async Task Reload_ConfigMapVolumeUpdated_NextStartUsesNewFile()
    {
        var volume = Directory.CreateDirectory(Path.Combine(chain.Folder, "volume")).FullName;
        WriteVersion(volume, "..v1", "localhost");
        File.CreateSymbolicLink(Path.Combine(volume, "..data"), "..v1");
        var config = File.CreateSymbolicLink(Path.Combine(volume, "broker.json"), Path.Combine("..data", "broker.json")).FullName;
        await using var broker = await BrokerHost.StartAsync(
            ["config=" + config, "Logging:LogLevel:TlsBroker=Information"],
            builder => builder.Services.AddSingleton<ILoggerProvider>(logs));
        await using var server = await OpenSslServer.StartAsync(chain);

        WriteVersion(volume, "..v2", "other.test");
        File.CreateSymbolicLink(Path.Combine(volume, "..data_tmp"), "..v2");
        var (exitCode, output) = await BoundedCommand.RunAsync("mv", ["-T", Path.Combine(volume, "..data_tmp"), Path.Combine(volume, "..data")]);
        Assert.True(exitCode == 0, output);
        var applied = await logs.WaitForAsync(entry => entry.EventId.Id == 300, "of the applied reload");
        await using var next = await ForwardingClient.OpenAsync(broker.Client, server.Port);
        var refused = await Assert.ThrowsAsync<RpcException>(() => next.SendAsync(Requests.StartRequest("localhost")));

        Assert.Equal(ConfigurationReloader.FileTrigger, applied.Values["Trigger"]);
        Assert.Equal(["default"], (IEnumerable<string>)applied.Values["ChangedPolicies"]!);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }

    private void WriteVersion(string volume, string version, string allowedServerName)
    {
        var folder = Directory.CreateDirectory(Path.Combine(volume, version)).FullName;
        var broker = new { Policies = new Dictionary<string, object> { ["default"] = new { TrustAnchors = chain.RootPath, AllowedServerNames = new[] { allowedServerName } } } };
        File.WriteAllText(Path.Combine(folder, "broker.json"), JsonSerializer.Serialize(new { Broker = broker }));
    }
}
