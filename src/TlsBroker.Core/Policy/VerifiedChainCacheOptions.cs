namespace TlsBroker.Core.Policy;

/// <summary>
/// The policy's cache of successfully verified chains (<c>Broker:Policies:{name}:VerifiedChainCache</c>):
/// a repeat connection that presents the same chain for the same server name skips path building.
/// </summary>
public sealed class VerifiedChainCacheOptions
{
    /// <summary>Upper bound of <see cref="MaxEntries"/>.</summary>
    public const int MaxEntriesLimit = 1_000_000;

    /// <summary>Lower bound of <see cref="MaxAge"/>.</summary>
    public static readonly TimeSpan MinMaxAge = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of <see cref="MaxAge"/>.</summary>
    public static readonly TimeSpan MaxAgeLimit = TimeSpan.FromDays(1);

    /// <summary>Chains kept, least recently used evicted first: 0 to 1,000,000; 0 turns the cache off. Default 10,000.</summary>
    public int MaxEntries { get; set; } = 10_000;

    /// <summary>
    /// How long a verification is reused at most, even while every certificate is still valid, so that
    /// changed trust decisions are picked up: 1 second to 1 day. Default 1 hour.
    /// </summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(1);
}
