using System.Buffers;
using Google.Protobuf;

namespace TlsBroker.Client;

/// <summary>Reads what the server sent for the broker's data path.</summary>
internal static class TransportReader
{
    /// <summary>
    /// What <paramref name="transport"/> holds, up to <paramref name="limit"/> bytes (the session's payload limit), in
    /// one read; empty at the end of the stream. The read waits for data with an empty buffer first (a zero-byte
    /// read), so an idle stream with a pending read holds no buffer, and the buffer borrowed then takes a whole burst
    /// in one receive call, where reading a record at a time cost a call and an availability check per record.
    /// </summary>
    public static async ValueTask<ByteString> ReadAsync(Stream transport, int limit, CancellationToken cancellationToken)
    {
        _ = await transport.ReadAsync(Memory<byte>.Empty, cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(limit);
        try
        {
            var received = await transport.ReadAsync(buffer.AsMemory(0, limit), cancellationToken);
            return ByteString.CopyFrom(buffer, 0, received);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
