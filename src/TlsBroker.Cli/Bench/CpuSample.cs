namespace TlsBroker.Cli.Bench;

/// <summary>CPU time consumed so far by the bench process and, when measured, the other process of the path.</summary>
internal sealed record CpuSample(TimeSpan Bench, TimeSpan? Other)
{
    public CpuSpan Until(CpuSample end) => new(
        end.Bench - Bench,
        Other is { } start && end.Other is { } stop ? stop - start : null);
}
