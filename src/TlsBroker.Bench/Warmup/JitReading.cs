namespace TlsBroker.Bench.Warmup;

/// <summary>
/// The JIT counters of the processes a path runs in, read at one moment: the bench's own
/// (System.Runtime.JitInfo) and, on the broker path, the broker's (its admin /metrics); null
/// when the path has no broker or its counters could not be read.
/// </summary>
internal readonly record struct JitReading(JitCounters Bench, JitCounters? Broker);
