using System.Text.Json;

namespace TlsBroker.Server.Hosting;

/// <summary>
/// The broker's machine-readable ready signal: once every listener is bound (after all hosted
/// services have started, so a port 0 has become the real port), it writes a JSON file naming
/// its addresses, <c>{"grpc":"http://127.0.0.1:PORT/","admin":"http://127.0.0.1:PORT/","pid":N}</c>
/// (admin null when off), and removes it when it stops. The file is named by <c>--ready-file FILE</c>
/// or <c>TLSBROKER_READY_FILE</c>; without either nothing is written. A supervisor that starts the
/// broker on port 0 (tlsbroker bench) reads it instead of the log, whose wording may change.
/// </summary>
internal sealed class BrokerReadyFile(IConfiguration configuration, BrokerListeners listeners) : IHostedLifecycleService
{
    public const string Key = "ready-file";

    public const string Variable = "TLSBROKER_READY_FILE";

    private string? FilePath => (configuration[Key] ?? configuration[Variable]) is { Length: > 0 } path ? Path.GetFullPath(path) : null;

    /// <summary>
    /// Written under a temporary name in the same folder, then renamed over the target: rename(2)
    /// replaces it atomically, so a reader polling for the file never sees half of it. A file that
    /// cannot be written fails the start, which is the answer a waiting supervisor needs.
    /// </summary>
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        if (FilePath is not { } path)
        {
            return;
        }

        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        await using (var file = File.Create(temporary))
        await using (var json = new Utf8JsonWriter(file))
        {
            json.WriteStartObject();
            json.WriteString("grpc", listeners.GrpcAddress.ToString());
            json.WriteString("admin", listeners.AdminAddress?.ToString());
            json.WriteNumber("pid", Environment.ProcessId);
            json.WriteEndObject();
        }

        File.Move(temporary, path, overwrite: true);
    }

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        if (FilePath is { } path)
        {
            File.Delete(path);
        }

        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
