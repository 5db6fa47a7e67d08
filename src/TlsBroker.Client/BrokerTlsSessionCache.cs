using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace TlsBroker.Client;

/// <summary>
/// Resumption tokens kept per (broker, policy, server name), the client side of TLS session
/// resumption: a <see cref="BrokerTlsStream"/> whose options name a cache offers the latest token
/// for its key on the next handshake and stores every token the broker issues. Share one cache
/// between connections (it is thread-safe) to resume their sessions. The tokens are secrets
/// (whoever holds one can resume the session through the broker): keep the cache in memory.
/// </summary>
public sealed class BrokerTlsSessionCache
{
    private readonly ConcurrentDictionary<BrokerTlsSessionKey, byte[]> tokens = new();

    /// <summary>How many keys hold a token.</summary>
    public int Count => tokens.Count;

    /// <summary>Gets a copy of the latest token for <paramref name="key"/>.</summary>
    /// <param name="key">The broker, policy and server name.</param>
    /// <param name="token">A copy of the token, or null when there is none.</param>
    /// <returns>True when a token was found.</returns>
    public bool TryGetToken(BrokerTlsSessionKey key, [NotNullWhen(true)] out byte[]? token)
    {
        token = tokens.TryGetValue(key, out var stored) ? (byte[])stored.Clone() : null;
        return token is not null;
    }

    /// <summary>Stores a copy of <paramref name="token"/> as the latest for <paramref name="key"/>, e.g. one saved by an earlier process.</summary>
    /// <param name="key">The broker, policy and server name.</param>
    /// <param name="token">An opaque token the broker issued.</param>
    public void SetToken(BrokerTlsSessionKey key, ReadOnlySpan<byte> token)
    {
        ArgumentOutOfRangeException.ThrowIfZero(token.Length);
        tokens[key] = token.ToArray();
    }

    /// <summary>Forgets the token for <paramref name="key"/>.</summary>
    /// <param name="key">The broker, policy and server name.</param>
    /// <returns>True when there was one.</returns>
    public bool Remove(BrokerTlsSessionKey key) => tokens.TryRemove(key, out _);

    /// <summary>Forgets every token.</summary>
    public void Clear() => tokens.Clear();
}
