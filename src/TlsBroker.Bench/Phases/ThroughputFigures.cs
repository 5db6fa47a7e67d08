using System.Text.Json.Serialization;

namespace TlsBroker.Bench.Phases;

/// <summary>One run of a throughput phase: transfers through one path, taking turns with the other paths' transfers, for --duration (JSON: an element of a throughput row's "runs").</summary>
internal sealed record ThroughputFigures
{
    /// <summary>"direct", "engine", "broker" or "export".</summary>
    public required string Path { get; init; }

    /// <summary>The --variant the path ran under; null for the base policies.</summary>
    public string? Variant { get; init; }

    /// <summary>"download" (server to client) or "upload".</summary>
    public required string Direction { get; init; }

    public required string TlsVersion { get; init; }

    /// <summary>Bytes moved in all, over <see cref="Transfers"/> transfers of --throughput-size each.</summary>
    public required long Bytes { get; init; }

    /// <summary>Transfers of --throughput-size, each on a new connection (its handshake not timed).</summary>
    public int Transfers { get; init; }

    /// <summary>Whether every transfer went through within the phase time limit.</summary>
    public required bool Completed { get; init; }

    public string? Failure { get; init; }

    /// <summary>Time spent transferring, summed over the transfers (handshakes excluded).</summary>
    public required double Seconds { get; init; }

    /// <summary>10^6 bytes per second.</summary>
    public required double? MegabytesPerSecond { get; init; }

    /// <summary>CPU per 10^6 bytes: the bench process plus, on the broker and export paths, the broker process.</summary>
    public required double? CpuMsPerMegabyte { get; init; }

    /// <summary>
    /// Time the JIT spent compiling during the phase, in the bench process plus (on the broker and export paths,
    /// when its admin address is known) the broker; already part of the CPU figure. More than a few
    /// percent of the phase's CPU means the warm-up was too short.
    /// </summary>
    public double? JitMs { get; init; }

    /// <summary>The CPU the transfer took in all, in milliseconds; null when it was not measured. Derived, so not a report field.</summary>
    [JsonIgnore]
    public double? CpuMs => CpuMsPerMegabyte * Bytes / 1e6;

    /// <summary>These transfers followed by <paramref name="next"/>'s: totals of both, the outcome of the later.</summary>
    public ThroughputFigures Then(ThroughputFigures next)
    {
        var megabytes = (Bytes + next.Bytes) / 1e6;
        var seconds = Seconds + next.Seconds;
        return next with
        {
            Bytes = Bytes + next.Bytes,
            Transfers = Transfers + next.Transfers,
            Seconds = seconds,
            MegabytesPerSecond = next.Completed ? megabytes / seconds : null,
            CpuMsPerMegabyte = (CpuMs + next.CpuMs) / megabytes,
            JitMs = JitMs + next.JitMs,
        };
    }
}
