using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using TlsBroker.Cli.Tests.Infrastructure;
using TlsBroker.Testing;

namespace TlsBroker.Cli.Tests.ApiKey;

/// <summary><c>tlsbroker apikey</c>: new random keys with their configuration line, and hashes that match <c>sha256sum</c>.</summary>
public sealed partial class ApiKeyCommandTests
{
    [Fact]
    [Trait("Category", "Unit")]
    public async Task ApiKeyNew_TwoRuns_DifferentKeysEachWithItsSha256()
    {
        var first = await CliRun.InvokeAsync(string.Empty, "apikey", "new", "--caller", "billing");
        var second = await CliRun.InvokeAsync(string.Empty, "apikey", "new");

        var (key, hash) = Parse(first);
        var (otherKey, _) = Parse(second);
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(32, Convert.FromBase64String(key.Replace('-', '+').Replace('_', '/') + "=").Length);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))), hash);
        Assert.Contains($"Broker__Callers__billing__ApiKeyHashes__0={hash}", first.Stdout, StringComparison.Ordinal);
        Assert.Contains($"\"billing\": {{ \"ApiKeyHashes\": [ \"{hash}\" ]", first.Stdout, StringComparison.Ordinal);
        Assert.NotEqual(key, otherKey);
    }

    [Fact]
    [Trait("Category", "Functional")]
    public async Task ApiKeyHash_KeyOnStdin_SameAsSha256sum()
    {
        var key = "k3y-with_url~safe." + Guid.NewGuid().ToString("N");

        var run = await CliRun.InvokeAsync(key + "\n", "apikey", "hash");
        var (sha256sumExit, oracle) = await BoundedCommand.RunAsync("sha256sum", [], key);

        Assert.Equal((0, 0), (run.ExitCode, sha256sumExit));
        Assert.Equal(oracle.Split(' ')[0] + "\n", run.Stdout);
    }

    [Fact]
    [Trait("Category", "Unit")]
    public async Task ApiKeyHash_EmptyStdin_UsageError()
    {
        var run = await CliRun.InvokeAsync(string.Empty, "apikey", "hash");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("stdin held no key", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Stdout);
    }

    private static (string Key, string Hash) Parse(CliRun run)
    {
        var match = NewKeyOutput().Match(run.Stdout);
        Assert.True(match.Success, run.ToString());
        return (match.Groups["key"].Value, match.Groups["hash"].Value);
    }

    [GeneratedRegex(@"^API key: (?<key>[A-Za-z0-9_-]{43})\nSHA-256: (?<hash>[0-9a-f]{64})\n")]
    private static partial Regex NewKeyOutput();
}
