namespace TlsBroker.Core.Verification;

/// <summary>The pin result of one verification.</summary>
/// <param name="Status">Whether the pins were configured, reached and matched.</param>
/// <param name="Depth">For <see cref="PinStatus.Matched"/>: the position in the verified path of the first certificate whose key is pinned; otherwise -1.</param>
/// <param name="Pin">For <see cref="PinStatus.Matched"/>: the pin-sha256 value that matched; otherwise empty. A pin is a public key's digest, not a secret.</param>
public sealed record PinCheck(PinStatus Status, int Depth, string Pin)
{
    public static PinCheck NotConfigured { get; } = new(PinStatus.NotConfigured, -1, string.Empty);

    public static PinCheck NoMatch { get; } = new(PinStatus.NoMatch, -1, string.Empty);

    public static PinCheck NotChecked { get; } = new(PinStatus.NotChecked, -1, string.Empty);

    public static PinCheck MatchedAt(int depth, string pin) => new(PinStatus.Matched, depth, pin);
}
