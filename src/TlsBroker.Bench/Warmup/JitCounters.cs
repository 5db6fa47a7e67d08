namespace TlsBroker.Bench.Warmup;

/// <summary>A process's JIT counters since it started: methods compiled (every tier and recompilation) and the time spent compiling them.</summary>
internal readonly record struct JitCounters(long CompiledMethods, TimeSpan CompilationTime);
