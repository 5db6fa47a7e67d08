using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace TlsBroker.Server.Reload;

/// <summary>
/// Problems in the JSON configuration files themselves: one that does not parse, or a required one
/// that is gone. A file configuration provider that fails to reload keeps no data at all (its values
/// silently vanish), so every such failure is recorded here and refuses the reload, and is forgotten
/// once the file loads again.
/// </summary>
internal sealed class ConfigFileProblems
{
    private readonly ConcurrentDictionary<FileConfigurationProvider, string> failed = new();
    private readonly ConcurrentDictionary<FileConfigurationProvider, bool> failedInThisLoad = new();
    private readonly ConcurrentDictionary<string, bool> required = new(StringComparer.Ordinal);

    /// <summary>Reports load failures of every file source of <paramref name="configuration"/> here instead of throwing them into a file watcher's callback.</summary>
    public void Track(IConfigurationRoot configuration)
    {
        foreach (var provider in configuration.Providers.OfType<FileConfigurationProvider>())
        {
            provider.Source.OnLoadException = OnLoadException;
            ChangeToken.OnChange(provider.GetReloadToken, () => Loaded(provider));
        }

        // Loads that ran before tracking began are over: the next load starts clean.
        failedInThisLoad.Clear();
    }

    /// <summary>The failure handler for a file source added later, before its first load.</summary>
    public void OnLoadException(FileLoadExceptionContext context)
    {
        context.Ignore = true;
        var provider = context.Provider;
        var path = provider.Source.FileProvider?.GetFileInfo(provider.Source.Path ?? string.Empty).PhysicalPath ?? provider.Source.Path;
        var reasons = new List<string>();
        for (var inner = context.Exception.InnerException ?? context.Exception; inner is not null; inner = inner.InnerException)
        {
            reasons.Add(inner.Message.TrimEnd('.'));
        }

        var reason = string.Join(": ", reasons);
        failed[provider] = $"configuration file '{path}' cannot be loaded: {reason}";
        failedInThisLoad[provider] = true;
    }

    /// <summary>A configuration file that must exist (the operator's <c>--config</c> file): a reload without it is refused.</summary>
    public void Require(string path) => required[path] = true;

    /// <summary>The configuration files given with <see cref="Require"/>.</summary>
    public IEnumerable<string> RequiredFiles => required.Keys;

    /// <summary>Every current problem, one line each.</summary>
    public List<string> Collect() =>
    [
        .. failed.Values.Order(StringComparer.Ordinal),
        .. required.Keys.Where(path => !File.Exists(path)).Select(path => $"configuration file '{path}' is not found"),
    ];

    private void Loaded(FileConfigurationProvider provider)
    {
        if (!failedInThisLoad.TryRemove(provider, out _))
        {
            failed.TryRemove(provider, out _);
        }
    }
}
