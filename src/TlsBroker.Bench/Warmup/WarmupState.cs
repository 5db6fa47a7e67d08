namespace TlsBroker.Bench.Warmup;

/// <summary>Where a warm-up stands after a round.</summary>
internal enum WarmupState
{
    /// <summary>The JIT is still compiling: run another round.</summary>
    Warming,

    /// <summary>The JIT counters of every process stood still for the required rounds.</summary>
    Settled,

    /// <summary>The warm-up reached its maximum with the JIT still compiling; the figures that follow may include JIT work.</summary>
    MaximumReached,
}
