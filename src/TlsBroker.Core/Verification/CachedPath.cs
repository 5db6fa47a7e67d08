using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace TlsBroker.Core.Verification;

/// <summary>
/// A verified path as the cache keeps it: each certificate the server sent is held as its position in the
/// chain as sent (a hit has the same chain, byte for byte, by its key), and each other one (a trust anchor)
/// as one DER array shared by every entry that ends at that anchor. An entry so costs a few integers, not
/// a copy of the path.
/// </summary>
internal sealed class CachedPath
{
    /// <summary>For each certificate of the path, leaf first: its position in the chain as sent, or -1.</summary>
    private readonly int[] sentPositions;

    /// <summary>For each certificate of the path: null when sent, else its shared DER.</summary>
    private readonly byte[]?[] others;

    private CachedPath(int[] sentPositions, byte[]?[] others)
    {
        this.sentPositions = sentPositions;
        this.others = others;
    }

    /// <param name="shared">The DER of certificates that were not sent (anchors), by SHA-256, bounded by the policy's anchors.</param>
    public static CachedPath From(IReadOnlyList<byte[]> path, IReadOnlyList<byte[]> chainDer, ConcurrentDictionary<string, byte[]> shared)
    {
        var positions = new int[path.Count];
        var others = new byte[]?[path.Count];
        for (var depth = 0; depth < path.Count; depth++)
        {
            var der = path[depth];
            positions[depth] = -1;
            for (var sent = 0; sent < chainDer.Count; sent++)
            {
                if (der.SequenceEqual(chainDer[sent]))
                {
                    positions[depth] = sent;
                    break;
                }
            }

            if (positions[depth] < 0)
            {
                others[depth] = shared.GetOrAdd(Convert.ToHexString(SHA256.HashData(der)), _ => der);
            }
        }

        return new CachedPath(positions, others);
    }

    /// <summary>The path's DER, leaf first, for the same chain as sent.</summary>
    public byte[][] Rebuild(IReadOnlyList<byte[]> chainDer)
    {
        var path = new byte[sentPositions.Length][];
        for (var depth = 0; depth < path.Length; depth++)
        {
            path[depth] = sentPositions[depth] >= 0 ? chainDer[sentPositions[depth]] : others[depth]!;
        }

        return path;
    }
}
