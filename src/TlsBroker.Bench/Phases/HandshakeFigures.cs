namespace TlsBroker.Bench.Phases;

/// <summary>What one run of a handshake phase measured (JSON: an element of a handshake row's "runs"; README documents every field).</summary>
internal sealed record HandshakeFigures
{
    /// <summary>"direct", "engine" or "broker".</summary>
    public required string Path { get; init; }

    /// <summary>The --variant the path ran under; null for the base policies.</summary>
    public string? Variant { get; init; }

    /// <summary>"full", or "resumed" for the broker path that resumes the previous session.</summary>
    public required string Kind { get; init; }

    public required string TlsVersion { get; init; }

    public required int Concurrency { get; init; }

    /// <summary>The count asked for with --handshakes; in a phase that runs for a time, the handshakes started.</summary>
    public required int Requested { get; init; }

    public required int Completed { get; init; }

    public required int Failed { get; init; }

    /// <summary>The first failure's message, when any failed.</summary>
    public string? FirstFailure { get; init; }

    /// <summary>True when the phase time limit (--phase-timeout) stopped the phase before its length.</summary>
    public required bool TimedOut { get; init; }

    public required double Seconds { get; init; }

    /// <summary>The slices the run was measured in, alternating with the other paths' slices; 0 when its time limit had already passed.</summary>
    public required int Slices { get; init; }

    public required double HandshakesPerSecond { get; init; }

    public required double? P50Ms { get; init; }

    public required double? P99Ms { get; init; }

    /// <summary>CPU per completed handshake: the bench process plus, on the broker path, the broker process.</summary>
    public required double? CpuMsPerHandshake { get; init; }

    /// <summary>The bench process's share of <see cref="CpuMsPerHandshake"/>.</summary>
    public required double? BenchCpuMsPerHandshake { get; init; }

    /// <summary>The broker process's share (broker path with a known broker process only).</summary>
    public required double? BrokerCpuMsPerHandshake { get; init; }

    /// <summary>
    /// Time the JIT spent compiling during the phase, in the bench process plus (on the broker path,
    /// when its admin address is known) the broker; already part of the CPU figure. More than a few
    /// percent of the phase's CPU means the warm-up was too short.
    /// </summary>
    public double? JitMs { get; init; }
}
