using TlsBroker.Bench.Statistics;

namespace TlsBroker.Bench.Phases;

/// <summary>
/// One row of the handshake table: a path, kind, TLS version and concurrency measured --repeats
/// times. Each figure is the median over the runs with its spread; counts are summed over the runs
/// (JSON: an element of "handshakes"; README documents every field).
/// </summary>
internal sealed record HandshakeRow
{
    /// <summary>"direct", "engine" or "broker".</summary>
    public required string Path { get; init; }

    /// <summary>The --variant the path ran under; null for the base policies.</summary>
    public string? Variant { get; init; }

    /// <summary>"full", or "resumed" for the broker path that resumes the previous session.</summary>
    public required string Kind { get; init; }

    public required string TlsVersion { get; init; }

    public required int Concurrency { get; init; }

    public required int Repeats { get; init; }

    public required int Completed { get; init; }

    public required int Failed { get; init; }

    public string? FirstFailure { get; init; }

    /// <summary>True when the phase time limit cut any run short.</summary>
    public required bool TimedOut { get; init; }

    public required RepeatedFigure? HandshakesPerSecond { get; init; }

    public required RepeatedFigure? P50Ms { get; init; }

    public required RepeatedFigure? P99Ms { get; init; }

    /// <summary>CPU per completed handshake: the bench process plus, on the broker path, the broker process.</summary>
    public required RepeatedFigure? CpuMsPerHandshake { get; init; }

    /// <summary>The broker process's share (broker path with a known broker process only).</summary>
    public required RepeatedFigure? BrokerCpuMsPerHandshake { get; init; }

    /// <summary>JIT time during the runs, summed (bench, plus the broker when its admin address is known).</summary>
    public required double JitMs { get; init; }

    /// <summary>CPU of the runs, summed, in milliseconds; for the JIT's share.</summary>
    public required double CpuMs { get; init; }

    public required IReadOnlyList<HandshakeFigures> Runs { get; init; }

    /// <summary>A run's handshakes/s; null for a run that completed none, as it measured no rate.</summary>
    public static double? RateOf(HandshakeFigures run) => run.Completed > 0 ? run.HandshakesPerSecond : null;

    /// <param name="runs">The runs of one row, in the order they ran; at least one.</param>
    public static HandshakeRow From(IReadOnlyList<HandshakeFigures> runs)
    {
        var first = runs[0];
        return new HandshakeRow
        {
            Path = first.Path,
            Variant = first.Variant,
            Kind = first.Kind,
            TlsVersion = first.TlsVersion,
            Concurrency = first.Concurrency,
            Repeats = runs.Count,
            Completed = runs.Sum(r => r.Completed),
            Failed = runs.Sum(r => r.Failed),
            FirstFailure = runs.Select(r => r.FirstFailure).FirstOrDefault(f => f is not null),
            TimedOut = runs.Any(r => r.TimedOut),
            HandshakesPerSecond = RepeatedFigure.Of(runs.Select(RateOf)),
            P50Ms = RepeatedFigure.Of(runs.Select(r => r.P50Ms)),
            P99Ms = RepeatedFigure.Of(runs.Select(r => r.P99Ms)),
            CpuMsPerHandshake = RepeatedFigure.Of(runs.Select(r => r.CpuMsPerHandshake)),
            BrokerCpuMsPerHandshake = RepeatedFigure.Of(runs.Select(r => r.BrokerCpuMsPerHandshake)),
            JitMs = runs.Sum(r => r.JitMs ?? 0),
            CpuMs = runs.Sum(r => (r.CpuMsPerHandshake ?? 0) * r.Completed),
            Runs = runs,
        };
    }
}
