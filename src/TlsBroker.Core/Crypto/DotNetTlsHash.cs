using System.Security.Cryptography;
using Org.BouncyCastle.Tls.Crypto;

namespace TlsBroker.Core.Crypto;

/// <summary>
/// A handshake transcript hash on .NET's native-backed IncrementalHash. BouncyCastle forks the
/// transcript at every point the key schedule needs its hash; its own SHA-384 state is 700-odd
/// managed bytes per fork, a native context here.
/// </summary>
internal sealed class DotNetTlsHash(IncrementalHash hash) : TlsHash
{
    public void Update(byte[] input, int inOff, int length) => hash.AppendData(input, inOff, length);

    public void Update(ReadOnlySpan<byte> input) => hash.AppendData(input);

    /// <summary>The hash of everything so far; the hash then starts over, as BouncyCastle's does.</summary>
    public byte[] CalculateHash() => hash.GetHashAndReset();

    public TlsHash CloneHash() => new DotNetTlsHash(hash.Clone());

    public void Reset() => hash.GetHashAndReset();
}
