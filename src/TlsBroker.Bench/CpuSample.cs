namespace TlsBroker.Bench;

/// <summary>
/// CPU time consumed so far by the bench process and, when measured, the other process of the
/// path, with the part of each spent in the JIT.
/// </summary>
internal sealed record CpuSample(TimeSpan Bench, TimeSpan? Other, TimeSpan BenchJit, TimeSpan? OtherJit)
{
    public CpuSpan Until(CpuSample end) => new(
        end.Bench - Bench,
        Difference(Other, end.Other),
        end.BenchJit - BenchJit,
        Difference(OtherJit, end.OtherJit));

    private static TimeSpan? Difference(TimeSpan? start, TimeSpan? stop) => start is { } a && stop is { } b ? b - a : null;
}
