using System.Buffers.Binary;

namespace TlsBroker.Bench.Server;

/// <summary>
/// The bench server's application protocol, decided by the first plaintext byte of a session:
/// 'D' + 8-byte big-endian length: the server sends that many bytes in 16 KiB writes, then close_notify;
/// 'U' + 8-byte big-endian length: the server reads that many bytes, then replies with one byte;
/// 'E': the server echoes every byte until the client closes;
/// anything else, or the client's close: the server closes.
/// </summary>
internal static class BenchRequest
{
    public const byte Download = (byte)'D';

    public const byte Upload = (byte)'U';

    public const byte Echo = (byte)'E';

    /// <summary>The size of every write in a transfer (one full TLS record of plaintext, RFC 8446 §5.1).</summary>
    public const int ChunkBytes = 16 * 1024;

    public const int LengthBytes = sizeof(long);

    /// <summary>The byte the server sends once it has read a whole upload.</summary>
    public const byte UploadDone = (byte)'K';

    public static byte[] Transfer(byte kind, long length)
    {
        var header = new byte[1 + LengthBytes];
        header[0] = kind;
        BinaryPrimitives.WriteInt64BigEndian(header.AsSpan(1), length);
        return header;
    }
}
