using System.Diagnostics;

namespace TlsBroker.Cli.Bench;

/// <summary>
/// CPU time (user + system) of the bench process, plus one other process when the path runs
/// there too (the broker). Read at the start and end of a phase; the difference is the phase's cost.
/// </summary>
internal sealed class CpuClock
{
    private readonly Process? other;

    /// <param name="other">The broker process, or null for paths that run entirely in the bench.</param>
    public CpuClock(Process? other)
    {
        this.other = other;
    }

    /// <summary>Whether <see cref="CpuSample.Other"/> is measured.</summary>
    public bool HasOther => other is not null;

    public CpuSample Read()
    {
        using var self = Process.GetCurrentProcess();
        var bench = self.TotalProcessorTime;
        if (other is null)
        {
            return new CpuSample(bench, null);
        }

        other.Refresh();
        return new CpuSample(bench, other.HasExited ? null : other.TotalProcessorTime);
    }
}
