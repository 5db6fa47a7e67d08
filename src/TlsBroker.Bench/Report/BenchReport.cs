using TlsBroker.Bench.Phases;
using TlsBroker.Bench.Warmup;

namespace TlsBroker.Bench.Report;

/// <summary>Every figure of one bench run, as written by --json (README documents every field).</summary>
internal sealed record BenchReport
{
    /// <summary>Bumped when a field changes meaning or disappears.</summary>
    public int SchemaVersion { get; init; } = 3;

    public required DateTimeOffset StartedUtc { get; init; }

    public required MachineInfo Machine { get; init; }

    public required ReportTarget Target { get; init; }

    public required ReportSettings Settings { get; init; }

    public IReadOnlyList<HandshakeRow> Handshakes { get; init; } = [];

    public IReadOnlyList<ThroughputRow> Throughput { get; init; } = [];

    /// <summary>How each warm-up ended: settled, or at its maximum with the JIT still compiling.</summary>
    public IReadOnlyList<WarmupFigures> Warmups { get; init; } = [];

    public IReadOnlyList<IdleSessionFigures> IdleSessions { get; init; } = [];

    public IReadOnlyList<BenchRatios> Ratios { get; init; } = [];

    /// <summary>What did not run and why (e.g. throughput against a HOST:PORT target).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>True when any handshake, transfer or idle session failed, or a transfer did not finish in time (exit code 7); a handshake phase cut by its time limit is not a failure.</summary>
    public bool HasFailures =>
        Handshakes.Any(h => h.Failed > 0)
        || Throughput.Any(t => !t.Completed)
        || IdleSessions.Any(i => i.SkippedReason is null && (i.Failed > 0 || i.Usable < i.Sessions));
}
