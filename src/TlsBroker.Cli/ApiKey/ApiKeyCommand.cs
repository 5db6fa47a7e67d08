using System.CommandLine;

namespace TlsBroker.Cli.ApiKey;

/// <summary>The <c>apikey</c> command's syntax: <c>apikey new</c> makes a key, <c>apikey hash</c> hashes one read from stdin.</summary>
internal static class ApiKeyCommand
{
    public const string Name = "apikey";

    private const string Description =
        "Make API keys for callers of a TlsBroker. The broker's configuration holds only each key's SHA-256 hash "
        + "(Broker:Callers:<name>:ApiKeyHashes); the caller sends the key as 'authorization: Bearer <key>'.";

    /// <summary>Printed after the options by <c>apikey --help</c>.</summary>
    public const string HelpEpilog = """
        Examples:
          tlsbroker apikey new --caller billing
          printf %s "$KEY" | tlsbroker apikey hash

        The hash is SHA-256 of the key's UTF-8 bytes in lowercase hex, the same as `printf %s "$KEY" | sha256sum`.

        Exit codes:
          0    done
          2    usage error, or stdin held no key
        """;

    public static Command Create(Func<string, CancellationToken, Task<int>> runNew, Func<CancellationToken, Task<int>> runHash)
    {
        var caller = new Option<string>("--caller")
        {
            HelpName = "NAME",
            Description = "The caller name to show in the configuration line.",
            DefaultValueFactory = _ => "my-caller",
        };
        var create = new Command("new", "Print a new random API key (32 random bytes, base64url) and the configuration line with its hash.") { caller };
        create.SetAction((parseResult, cancellationToken) => runNew(parseResult.GetValue(caller)!, cancellationToken));

        var hash = new Command("hash", "Read an API key from stdin (one line) and print its SHA-256 hash for the configuration.");
        hash.SetAction((_, cancellationToken) => runHash(cancellationToken));

        return new Command(Name, Description) { create, hash };
    }
}
