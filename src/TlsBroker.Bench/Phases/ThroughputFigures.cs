using System.Text.Json.Serialization;

namespace TlsBroker.Bench.Phases;

/// <summary>One transfer through one path (JSON: an element of "throughput"; README documents every field).</summary>
internal sealed record ThroughputFigures
{
    /// <summary>"direct", "engine" or "broker".</summary>
    public required string Path { get; init; }

    /// <summary>The --variant the path ran under; null for the base policies.</summary>
    public string? Variant { get; init; }

    /// <summary>"download" (server to client) or "upload".</summary>
    public required string Direction { get; init; }

    public required string TlsVersion { get; init; }

    public required long Bytes { get; init; }

    /// <summary>Whether all <see cref="Bytes"/> went through within the phase time limit.</summary>
    public required bool Completed { get; init; }

    public string? Failure { get; init; }

    public required double Seconds { get; init; }

    /// <summary>10^6 bytes per second.</summary>
    public required double? MegabytesPerSecond { get; init; }

    /// <summary>CPU per 10^6 bytes: the bench process plus, on the broker path, the broker process.</summary>
    public required double? CpuMsPerMegabyte { get; init; }

    /// <summary>
    /// Time the JIT spent compiling during the phase, in the bench process plus (on the broker path,
    /// when its admin address is known) the broker; already part of the CPU figure. More than a few
    /// percent of the phase's CPU means the warm-up was too short.
    /// </summary>
    public double? JitMs { get; init; }

    /// <summary>The CPU the transfer took in all, in milliseconds; null when it was not measured. Derived, so not a report field.</summary>
    [JsonIgnore]
    public double? CpuMs => CpuMsPerMegabyte * Bytes / 1e6;
}
