namespace TlsBroker.Bench;

/// <summary>
/// CPU time spent during a phase: by the bench, and by the other process of the path when
/// measured; and the JIT time inside each.
/// </summary>
internal sealed record CpuSpan(TimeSpan Bench, TimeSpan? Other, TimeSpan BenchJit, TimeSpan? OtherJit)
{
    public TimeSpan Total => Bench + (Other ?? TimeSpan.Zero);

    /// <summary>The bench's JIT time plus the other process's when known.</summary>
    public TimeSpan Jit => BenchJit + (OtherJit ?? TimeSpan.Zero);
}
