namespace TlsBroker.Bench.Warmup;

/// <summary>How one warm-up ended (JSON: an element of "warmups"; README documents every field).</summary>
internal sealed record WarmupFigures
{
    /// <summary>What was warmed up, e.g. "broker TLS 1.3 handshakes" or "engine throughput".</summary>
    public required string What { get; init; }

    /// <summary>True when the JIT counters stood still; false when the warm-up reached --warmup first.</summary>
    public required bool Settled { get; init; }

    public required int Rounds { get; init; }

    public required double Seconds { get; init; }

    /// <summary>Methods the bench's JIT compiled in the last round.</summary>
    public required long LastRoundBenchMethods { get; init; }

    /// <summary>Methods the broker's JIT compiled in the last round; null on paths without a broker or when its /metrics could not be read.</summary>
    public long? LastRoundBrokerMethods { get; init; }
}
