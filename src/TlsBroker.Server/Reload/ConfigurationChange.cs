namespace TlsBroker.Server.Reload;

/// <summary>What an applied reload changed: policy names added, removed or changed, and the other Broker settings that changed.</summary>
internal sealed record ConfigurationChange(
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Removed,
    IReadOnlyList<string> Changed,
    IReadOnlyList<string> Settings)
{
    public bool IsEmpty => Added.Count == 0 && Removed.Count == 0 && Changed.Count == 0 && Settings.Count == 0;
}
