namespace TlsBroker.Cli.Bench;

/// <summary>CPU time spent during a phase: by the bench, and by the other process of the path when measured.</summary>
internal sealed record CpuSpan(TimeSpan Bench, TimeSpan? Other)
{
    public TimeSpan Total => Bench + (Other ?? TimeSpan.Zero);
}
