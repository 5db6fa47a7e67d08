using System.Text.Json;
using TlsBroker.Server.Tests.Infrastructure;

namespace TlsBroker.Server.Tests;

/// <summary>The ready file (--ready-file / TLSBROKER_READY_FILE): the bound addresses as JSON once the broker serves, gone once it stops.</summary>
[Trait("Category", "Functional")]
public sealed class ReadyFileTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("tlsbroker-ready-");

    [Fact]
    public async Task Start_ReadyFileGiven_WritesBoundAddressesAndRemovesThemOnStop()
    {
        var path = Path.Combine(folder.FullName, "ready.json");
        var broker = await BrokerHost.StartAsync([$"ready-file={path}"]);
        await using (broker)
        {
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(path));
            var ready = document.RootElement;
            Assert.Equal(broker.Address, new Uri(ready.GetProperty("grpc").GetString()!));
            Assert.Equal(broker.AdminAddress, new Uri(ready.GetProperty("admin").GetString()!));
            Assert.Equal(Environment.ProcessId, ready.GetProperty("pid").GetInt32());
        }

        Assert.False(File.Exists(path), $"{path} is still there after the broker stopped");
        Assert.Empty(folder.GetFiles());
    }

    [Fact]
    public async Task Start_ReadyFileFolderMissing_FailsTheStart()
    {
        var path = Path.Combine(folder.FullName, "no-such-folder", "ready.json");

        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => BrokerHost.StartAsync([$"ready-file={path}"]));
    }

    public void Dispose() => folder.Delete(recursive: true);
}
