using System.Buffers.Binary;

namespace TlsBroker.Client;

/// <summary>
/// Follows the record framing of the bytes the server sent, whose 5-byte headers (type, version,
/// length) are in clear at every version (RFC 8446 §5.1, RFC 5246 §6.2.1), so that the client
/// knows whether what it gave the broker ends on a record boundary. The broker exports keys only
/// then (broker.proto, ExportKeys: FAILED_PRECONDITION "a record is incomplete"), and a server that
/// speaks first (data right after its Finished at TLS 1.2, 0.5-RTT data at TLS 1.3) may leave the
/// handshake's last read inside a record.
/// </summary>
internal sealed class RecordBoundaryTracker
{
    private const int HeaderLength = 5;

    private readonly byte[] header = new byte[HeaderLength];
    private int headerBytes;
    private int bodyBytesLeft;

    /// <summary>How many bytes the next read may take without going past the next record boundary; 0 at one.</summary>
    public int BytesToBoundary => headerBytes > 0 ? HeaderLength - headerBytes : bodyBytesLeft;

    /// <summary>Moves past <paramref name="data"/>, the next bytes from the server.</summary>
    public void Consume(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (bodyBytesLeft > 0)
            {
                var body = Math.Min(bodyBytesLeft, data.Length);
                bodyBytesLeft -= body;
                data = data[body..];
                continue;
            }

            var copied = Math.Min(HeaderLength - headerBytes, data.Length);
            data[..copied].CopyTo(header.AsSpan(headerBytes));
            headerBytes += copied;
            data = data[copied..];
            if (headerBytes == HeaderLength)
            {
                bodyBytesLeft = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(3));
                headerBytes = 0;
            }
        }
    }
}
