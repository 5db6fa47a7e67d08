namespace TlsBroker.Core.Policy;

/// <summary>
/// Key export under one policy (<c>Broker:Policies:{name}:KeyExport</c>): whether a caller may take the traffic keys of
/// an established session and run the record layer itself, the broker leaving the data path (as ALTS and S2A do).
/// </summary>
public sealed class KeyExportOptions
{
    /// <summary>Whether key export is possible under this policy at all. Default: false.</summary>
    public bool Allowed { get; set; }

    /// <summary>The callers (names as in <c>Broker:Callers</c>) that may export; required, at least one, when <see cref="Allowed"/>. Default: none.</summary>
    public List<string> Callers { get; set; } = [];
}
