using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TlsBroker.Server.Configuration;

namespace TlsBroker.Server.Reload;

/// <summary>
/// A digest of each part of a configuration (every Broker setting, every policy together with the
/// contents of the files it reads), to tell what a reload changes. Only digests are kept: settings
/// such as keys are compared, never logged.
/// </summary>
internal sealed class ConfigurationFingerprint
{
    /// <summary>The name under which files read by settings other than policies are compared.</summary>
    public const string OtherFiles = "referenced files";

    private readonly Dictionary<string, string> settings;
    private readonly Dictionary<string, string> policies;

    private ConfigurationFingerprint(Dictionary<string, string> settings, Dictionary<string, string> policies)
    {
        this.settings = settings;
        this.policies = policies;
    }

    public static ConfigurationFingerprint Of(BrokerOptions options)
    {
        var json = JsonSerializer.SerializeToNode(options) as JsonObject ?? [];
        var settings = json
            .Where(property => property.Key != nameof(BrokerOptions.Policies))
            .ToDictionary(property => property.Key, property => Digest(property.Value?.ToJsonString() ?? "null"), StringComparer.Ordinal);

        var policyFiles = options.Policies.Values.SelectMany(policy => policy.ReferencedFiles()).ToHashSet(StringComparer.Ordinal);
        settings[OtherFiles] = Digest(string.Concat(options.ReferencedFiles().Where(path => !policyFiles.Contains(path)).Select(FileDigest)));

        var policies = options.Policies.ToDictionary(
            entry => entry.Key,
            entry => Digest(JsonSerializer.Serialize(entry.Value) + string.Concat(entry.Value.ReferencedFiles().Select(FileDigest))),
            StringComparer.Ordinal);
        return new ConfigurationFingerprint(settings, policies);
    }

    /// <summary>Whether policy <paramref name="name"/> has the same options and file contents in both configurations.</summary>
    public bool SamePolicy(ConfigurationFingerprint other, string name) =>
        policies.TryGetValue(name, out var mine) && other.policies.TryGetValue(name, out var theirs) && mine == theirs;

    /// <summary>What changed from <paramref name="previous"/> to this configuration.</summary>
    public ConfigurationChange Since(ConfigurationFingerprint previous) => new(
        Added: policies.Keys.Where(name => !previous.policies.ContainsKey(name)).Order(StringComparer.Ordinal).ToArray(),
        Removed: previous.policies.Keys.Where(name => !policies.ContainsKey(name)).Order(StringComparer.Ordinal).ToArray(),
        Changed: policies.Where(entry => previous.policies.TryGetValue(entry.Key, out var before) && before != entry.Value)
            .Select(entry => entry.Key).Order(StringComparer.Ordinal).ToArray(),
        Settings: settings.Where(entry => !previous.settings.TryGetValue(entry.Key, out var before) || before != entry.Value)
            .Select(entry => entry.Key).Order(StringComparer.Ordinal).ToArray());

    private static string Digest(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The path and a digest of what is there now: a file's bytes, a folder's file names and bytes.</summary>
    private static string FileDigest(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                var files = Directory.EnumerateFiles(path).Order(StringComparer.Ordinal);
                return path + ":" + string.Concat(files.Select(file => file + ":" + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)))));
            }

            return path + ":" + (File.Exists(path) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))) : "missing");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return path + ":unreadable:" + e.Message;
        }
    }
}
