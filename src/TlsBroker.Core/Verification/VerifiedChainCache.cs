using System.Diagnostics.CodeAnalysis;

namespace TlsBroker.Core.Verification;

/// <summary>
/// Successful verifications of one verifier (so of one policy and its trust anchors), shared by all of
/// its sessions: bounded, least recently used evicted first. An entry is used only while every
/// certificate of the verified path, the trust anchor included, is within its validity period and
/// for at most the configured maximum age. An entry keeps the verified path and the pins' result, so a hit
/// answers as the verification did; failures are never stored, so they are always computed
/// again with their own code and depth.
/// </summary>
public sealed class VerifiedChainCache
{
    private readonly Dictionary<VerifiedChainKey, LinkedListNode<Entry>> entries = [];
    private readonly LinkedList<Entry> recency = new();
    private readonly Lock gate = new();
    private long hits;
    private long misses;

    public VerifiedChainCache(int maxEntries, TimeSpan maxAge)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEntries);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxAge, TimeSpan.Zero);
        MaxEntries = maxEntries;
        MaxAge = maxAge;
    }

    public int MaxEntries { get; }

    public TimeSpan MaxAge { get; }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return entries.Count;
            }
        }
    }

    /// <summary>Lookups answered from the cache.</summary>
    public long Hits => Interlocked.Read(ref hits);

    /// <summary>Lookups that had to build and check the path.</summary>
    public long Misses => Interlocked.Read(ref misses);

    internal bool TryHit(VerifiedChainKey key, DateTimeOffset now, [NotNullWhen(true)] out CachedPath? path, [NotNullWhen(true)] out PinCheck? pins)
    {
        lock (gate)
        {
            if (entries.TryGetValue(key, out var node))
            {
                if (node.Value.IsUsableAt(now, MaxAge))
                {
                    recency.Remove(node);
                    recency.AddFirst(node);
                    Interlocked.Increment(ref hits);
                    path = node.Value.Path;
                    pins = node.Value.Pins;
                    return true;
                }

                Remove(node);
            }

            Interlocked.Increment(ref misses);
            path = null;
            pins = null;
            return false;
        }
    }

    internal void Add(VerifiedChainKey key, PathValidity validity, CachedPath path, PinCheck pins, DateTimeOffset now)
    {
        lock (gate)
        {
            if (entries.TryGetValue(key, out var existing))
            {
                Remove(existing);
            }

            if (entries.Count == MaxEntries)
            {
                Remove(recency.Last!);
            }

            entries.Add(key, recency.AddFirst(new Entry(key, validity, path, pins, now)));
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        recency.Remove(node);
        entries.Remove(node.Value.Key);
    }

    private sealed record Entry(VerifiedChainKey Key, PathValidity Validity, CachedPath Path, PinCheck Pins, DateTimeOffset VerifiedAt)
    {
        public bool IsUsableAt(DateTimeOffset now, TimeSpan maxAge) => Validity.Covers(now) && now - VerifiedAt < maxAge;
    }
}
