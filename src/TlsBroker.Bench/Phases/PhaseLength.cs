namespace TlsBroker.Bench.Phases;

/// <summary>
/// How long a measured phase runs: for a time (the default; operations start until it has passed,
/// and those in flight finish), or for a fixed count of operations (--handshakes, for quick checks).
/// </summary>
internal sealed record PhaseLength(TimeSpan Duration, int? Count)
{
    public static PhaseLength For(TimeSpan duration) => new(duration, null);

    public static PhaseLength Of(int count) => new(TimeSpan.Zero, count);

    /// <summary>This length cut into equal slices of about <paramref name="slice"/> each; a count stays one slice.</summary>
    public IReadOnlyList<PhaseLength> Slices(TimeSpan slice)
    {
        if (Count is not null || Duration <= slice)
        {
            return [this];
        }

        var slices = (int)Math.Round(Duration / slice);
        return [.. Enumerable.Repeat(For(Duration / slices), slices)];
    }

    public override string ToString() => Count is { } count ? $"{count} operations" : $"{Duration.TotalSeconds:0.###} s";
}
