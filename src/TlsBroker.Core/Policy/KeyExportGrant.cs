namespace TlsBroker.Core.Policy;

/// <summary>The validated <see cref="KeyExportOptions"/>: the callers that may export the keys of this policy's sessions.</summary>
public sealed record KeyExportGrant(IReadOnlySet<string> Callers)
{
    /// <summary>No caller may export (the default).</summary>
    public static KeyExportGrant None { get; } = new(new HashSet<string>(StringComparer.Ordinal));

    public bool Allows(string caller) => Callers.Contains(caller);

    internal static KeyExportGrant Parse(KeyExportOptions? options, List<string> problems, List<string> warnings)
    {
        if (options is null)
        {
            return None;
        }

        if (options.Callers.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add("KeyExport:Callers has an empty caller name");
        }

        if (!options.Allowed)
        {
            if (options.Callers.Count > 0)
            {
                warnings.Add("KeyExport:Callers is set but KeyExport:Allowed is false: no caller may export keys");
            }

            return None;
        }

        if (options.Callers.Count == 0)
        {
            problems.Add("KeyExport:Allowed is true but KeyExport:Callers is empty: name the callers that may export keys");
        }

        return new KeyExportGrant(options.Callers.Where(c => !string.IsNullOrWhiteSpace(c)).ToHashSet(StringComparer.Ordinal));
    }
}
