namespace TlsBroker.Bench;

/// <summary>
/// CPU time spent during a phase: by the bench, and by the other process of the path when
/// measured; and the JIT time inside each.
/// </summary>
internal sealed record CpuSpan(TimeSpan Bench, TimeSpan? Other, TimeSpan BenchJit, TimeSpan? OtherJit)
{
    /// <summary>Nothing spent: the sum of no slices.</summary>
    public static readonly CpuSpan None = new(TimeSpan.Zero, null, TimeSpan.Zero, null);

    public TimeSpan Total => Bench + (Other ?? TimeSpan.Zero);

    /// <summary>The bench's JIT time plus the other process's when known.</summary>
    public TimeSpan Jit => BenchJit + (OtherJit ?? TimeSpan.Zero);

    /// <summary>The two spans together; the other process's figures only when both measured them.</summary>
    public static CpuSpan operator +(CpuSpan first, CpuSpan second) => new(
        first.Bench + second.Bench,
        Sum(first.Other, second.Other),
        first.BenchJit + second.BenchJit,
        Sum(first.OtherJit, second.OtherJit));

    private static TimeSpan? Sum(TimeSpan? first, TimeSpan? second) => first is { } a && second is { } b ? a + b : null;
}

