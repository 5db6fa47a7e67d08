using System.Text;
using TlsBroker.Server.Callers;

namespace TlsBroker.Cli.ApiKey;

/// <summary>Runs <c>apikey new</c> and <c>apikey hash</c>: stdout is for what to keep, stderr for guidance.</summary>
internal sealed class ApiKeyRunner(ConsoleStreams console)
{
    public async Task<int> NewAsync(string caller, CancellationToken cancellationToken)
    {
        var key = ApiKeys.NewKey();
        var hash = ApiKeys.Hash(key);
        await WriteAsync($"""
            API key: {key}
            SHA-256: {hash}
            appsettings.json: "Broker": {"{"} "Callers": {"{"} "{caller}": {"{"} "ApiKeyHashes": [ "{hash}" ], "Policies": [ "default" ] {"}"} {"}"} {"}"}
            environment: Broker__Callers__{caller}__ApiKeyHashes__0={hash}

            """, cancellationToken);
        await console.Error.WriteLineAsync("Give the key to the caller (it sends 'authorization: Bearer <key>'); only the hash goes into the broker's configuration.");
        return ExitCodes.Success;
    }

    public async Task<int> HashAsync(CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(console.Input, Encoding.UTF8, leaveOpen: true);
        var key = (await reader.ReadLineAsync(cancellationToken))?.Trim();
        if (string.IsNullOrEmpty(key))
        {
            await console.Error.WriteLineAsync("apikey hash: stdin held no key; pipe it in, e.g. printf %s \"$KEY\" | tlsbroker apikey hash");
            return ExitCodes.Usage;
        }

        await WriteAsync(ApiKeys.Hash(key) + "\n", cancellationToken);
        return ExitCodes.Success;
    }

    private async Task WriteAsync(string text, CancellationToken cancellationToken) =>
        await console.Output.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
}
