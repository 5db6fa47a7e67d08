namespace TlsBroker.Server.Callers;

/// <summary>
/// A caller's limits, and with its name the key of its rate-limiter partitions: a reload that
/// changes a limit gets fresh partitions with the new figures.
/// </summary>
internal sealed record CallerLimits(string Caller, int MaxConcurrentSessions, int HandshakesPerSecond);
