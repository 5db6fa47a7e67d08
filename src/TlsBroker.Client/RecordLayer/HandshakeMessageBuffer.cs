namespace TlsBroker.Client.RecordLayer;

/// <summary>
/// Handshake messages out of the records that carry them: RFC 8446 §5.1 lets several share one record and one span
/// several. A message handed out stays valid until the next fragment is added.
/// </summary>
internal sealed class HandshakeMessageBuffer
{
    private const int HeaderLength = 4;

    private readonly MemoryStream buffered = new();
    private int consumed;

    public void Append(ReadOnlySpan<byte> fragment)
    {
        if (consumed > 0)
        {
            var rest = buffered.GetBuffer().AsSpan(consumed, (int)buffered.Length - consumed);
            rest.CopyTo(buffered.GetBuffer());
            buffered.SetLength(rest.Length);
            consumed = 0;
        }

        buffered.Write(fragment);
    }

    /// <summary>The next whole message's type and body; false while it is incomplete.</summary>
    public bool TryRead(out byte type, out Memory<byte> body)
    {
        type = 0;
        body = default;
        var unread = buffered.GetBuffer().AsMemory(consumed, (int)buffered.Length - consumed);
        if (unread.Length < HeaderLength)
        {
            return false;
        }

        var header = unread.Span;
        var length = (header[1] << 16) | (header[2] << 8) | header[3];
        if (unread.Length - HeaderLength < length)
        {
            return false;
        }

        type = header[0];
        body = unread.Slice(HeaderLength, length);
        consumed += HeaderLength + length;
        return true;
    }
}
