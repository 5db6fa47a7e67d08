using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using TlsBroker.Core.Policy;

namespace TlsBroker.Bench;

/// <summary>
/// A named set of policy settings (TlsPolicyOptions keys, e.g. <c>VerifiedChainCache:MaxEntries=0</c>)
/// under which the engine and broker paths run once more in the same run, so that a lever's
/// before and after sit side by side. The base variant has no name and no settings.
/// </summary>
internal sealed partial record BenchVariant(string Name, IReadOnlyDictionary<string, string> PolicySettings)
{
    public static BenchVariant Base { get; } = new(string.Empty, new Dictionary<string, string>());

    public bool IsBase => Name.Length == 0;

    /// <summary>The broker policy for a TLS version under this variant: bench-tls13, or bench-tls13-NAME.</summary>
    public string BrokerPolicy(BenchTlsVersion version) => IsBase ? version.BrokerPolicy() : $"{version.BrokerPolicy()}-{Name}";

    /// <summary>The policy options for one TLS version: this variant's settings, then the version and the trust anchors.</summary>
    public TlsPolicyOptions PolicyOptions(BenchTlsVersion version, string trustAnchors)
    {
        var settings = PolicySettings.ToDictionary(pair => pair.Key, string? (pair) => pair.Value, StringComparer.OrdinalIgnoreCase);
        settings[nameof(TlsPolicyOptions.MinVersion)] = version.Label();
        settings[nameof(TlsPolicyOptions.MaxVersion)] = version.Label();
        settings[nameof(TlsPolicyOptions.TrustAnchors)] = trustAnchors;
        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build().Get<TlsPolicyOptions>(binder => binder.ErrorOnUnknownConfiguration = true)
            ?? new TlsPolicyOptions();
    }

    /// <summary>Parses NAME:KEY=VALUE[,KEY=VALUE...], e.g. <c>nocache:VerifiedChainCache:MaxEntries=0</c>.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out BenchVariant? variant, [NotNullWhen(false)] out string? error)
    {
        variant = null;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? text : text[..colon];
        if (!VariantName().IsMatch(name))
        {
            error = $"'{text}' does not start with a variant name (lower-case letters, digits and '-', then ':'), e.g. nocache:VerifiedChainCache:MaxEntries=0";
            return false;
        }

        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var setting in colon < 0 ? [] : text[(colon + 1)..].Split(',', StringSplitOptions.TrimEntries))
        {
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                error = $"'{setting}' in variant '{name}' is not KEY=VALUE, e.g. VerifiedChainCache:MaxEntries=0";
                return false;
            }

            settings[setting[..equals]] = setting[(equals + 1)..];
        }

        if (settings.Count == 0)
        {
            error = $"variant '{name}' sets nothing: give KEY=VALUE after the name, e.g. {name}:VerifiedChainCache:MaxEntries=0";
            return false;
        }

        variant = new BenchVariant(name, settings);
        error = null;
        return true;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex VariantName();
}
