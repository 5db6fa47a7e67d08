using TlsBroker.Bench.Statistics;

namespace TlsBroker.Bench.Phases;

/// <summary>
/// One row of the throughput table: a path and direction measured --repeats times, each figure the
/// median over the runs with its spread (JSON: an element of "throughput"; README documents every field).
/// </summary>
internal sealed record ThroughputRow
{
    /// <summary>"direct", "engine", "broker" or "export".</summary>
    public required string Path { get; init; }

    /// <summary>The --variant the path ran under; null for the base policies.</summary>
    public string? Variant { get; init; }

    /// <summary>"download" (server to client) or "upload".</summary>
    public required string Direction { get; init; }

    public required string TlsVersion { get; init; }

    public required int Repeats { get; init; }

    /// <summary>Whether every transfer of every run went through within the phase time limit.</summary>
    public required bool Completed { get; init; }

    /// <summary>The first failure's message, when any run failed.</summary>
    public string? Failure { get; init; }

    /// <summary>10^6 bytes per second.</summary>
    public required RepeatedFigure? MegabytesPerSecond { get; init; }

    /// <summary>CPU per 10^6 bytes: the bench process plus, on the broker and export paths, the broker process.</summary>
    public required RepeatedFigure? CpuMsPerMegabyte { get; init; }

    /// <summary>JIT time during the runs, summed.</summary>
    public required double JitMs { get; init; }

    /// <summary>CPU of the runs, summed, in milliseconds; for the JIT's share.</summary>
    public required double CpuMs { get; init; }

    public required IReadOnlyList<ThroughputFigures> Runs { get; init; }

    /// <param name="runs">The runs of one row, in the order they ran; at least one.</param>
    public static ThroughputRow From(IReadOnlyList<ThroughputFigures> runs)
    {
        var first = runs[0];
        return new ThroughputRow
        {
            Path = first.Path,
            Variant = first.Variant,
            Direction = first.Direction,
            TlsVersion = first.TlsVersion,
            Repeats = runs.Count,
            Completed = runs.All(r => r.Completed),
            Failure = runs.Select(r => r.Failure).FirstOrDefault(f => f is not null),
            MegabytesPerSecond = RepeatedFigure.Of(runs.Select(r => r.MegabytesPerSecond)),
            CpuMsPerMegabyte = RepeatedFigure.Of(runs.Select(r => r.CpuMsPerMegabyte)),
            JitMs = runs.Sum(r => r.JitMs ?? 0),
            CpuMs = runs.Sum(r => r.CpuMs ?? 0),
            Runs = runs,
        };
    }
}
