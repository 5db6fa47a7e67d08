using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace TlsBroker.Core.Verification;

/// <summary>
/// SHA-256 over the policy's chain requirements (required extended key usages, maximum depth, profile, its own expected identities)
/// and revocation settings, the caller's expected identities, the OCSP response the server stapled (when the policy checks it) and
/// every certificate of the chain as sent, each length-prefixed so that no two
/// different (requirements, identities, chain) inputs are the same byte string: a cache hit needs the same
/// requirements, the exact identities and the exact certificates in the same order, with SHA-256's collision
/// resistance. A verdict reached under one policy's requirements is never reused under another's.
/// </summary>
internal readonly record struct VerifiedChainKey(UInt128 High, UInt128 Low)
{
    public static VerifiedChainKey Compute(
        IReadOnlyList<byte[]> chainDer, IdentityExpectation expectation, ChainRequirements requirements, string revocationFingerprint = "", byte[]? stapledOcsp = null)
    {
        var fingerprint = $"{requirements.Fingerprint};{revocationFingerprint}";
        var stapled = stapledOcsp ?? [];
        var fingerprintLength = Encoding.UTF8.GetByteCount(fingerprint);
        var name = expectation.Fingerprint;
        var nameLength = Encoding.UTF8.GetByteCount(name);
        var total = sizeof(int) + fingerprintLength + sizeof(int) + nameLength + sizeof(int) + stapled.Length;
        for (var i = 0; i < chainDer.Count; i++)
        {
            total += sizeof(int) + chainDer[i].Length;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            var written = Prefixed(buffer, 0, fingerprintLength);
            written += Encoding.UTF8.GetBytes(fingerprint, buffer.AsSpan(written));
            written += Prefixed(buffer, written, nameLength);
            written += Encoding.UTF8.GetBytes(name, buffer.AsSpan(written));
            written += Prefixed(buffer, written, stapled.Length);
            stapled.CopyTo(buffer.AsSpan(written));
            written += stapled.Length;
            for (var i = 0; i < chainDer.Count; i++)
            {
                written += Prefixed(buffer, written, chainDer[i].Length);
                chainDer[i].CopyTo(buffer.AsSpan(written));
                written += chainDer[i].Length;
            }

            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer.AsSpan(0, written), hash);
            return new VerifiedChainKey(BinaryPrimitives.ReadUInt128BigEndian(hash), BinaryPrimitives.ReadUInt128BigEndian(hash[16..]));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int Prefixed(byte[] buffer, int offset, int length)
    {
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(offset), length);
        return sizeof(int);
    }
}
