namespace TlsBroker.Cli.Tests.Infrastructure;

/// <summary>
/// A TLS 1.2 connection whose server bytes are held back from the server's ChangeCipherSpec until its first
/// application_data record has arrived, then handed over in one read that ends <c>intoRecord</c> bytes into that
/// record: the client's handshake then ends with a read inside a record, as with a server that speaks first
/// and a TCP segment that ends there. Bytes go through unchanged, only the reads' boundaries move, unless
/// <paramref name="afterSplit"/> says otherwise.
/// </summary>
internal sealed class SplitFirstDataRecordStream(Stream inner, int intoRecord, SplitFirstDataRecordStream.Then afterSplit = SplitFirstDataRecordStream.Then.Deliver) : ReadShapingStream(inner)
{
    private const byte ChangeCipherSpec = 20;
    private const byte ApplicationData = 23;
    private const int HeaderLength = 5;

    private byte[] held = new byte[32 * 1024];
    private int heldLength;
    private int returned;

    /// <summary>What the reads after the split get.</summary>
    public enum Then
    {
        /// <summary>The server's bytes, unchanged.</summary>
        Deliver,

        /// <summary>The server's bytes, the first after the split with a bit flipped.</summary>
        Tamper,

        /// <summary>The end of the stream, as if the server closed TCP there.</summary>
        EndOfStream,
    }

    /// <summary>True once a read ended <c>intoRecord</c> bytes into the server's first application_data record.</summary>
    public bool Split { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (Split && afterSplit == Then.EndOfStream)
            {
                return 0;
            }

            var limit = Split ? heldLength : Limit();
            if (returned < limit)
            {
                var count = Math.Min(buffer.Length, limit - returned);
                held.AsMemory(returned, count).CopyTo(buffer);
                returned += count;
                if (!Split && IsSplitPoint(returned))
                {
                    Split = true;
                    if (afterSplit == Then.Tamper)
                    {
                        held[returned] ^= 1;
                    }
                }

                return count;
            }

            if (Split)
            {
                return await Inner.ReadAsync(buffer, cancellationToken);
            }

            if (heldLength == held.Length)
            {
                Array.Resize(ref held, held.Length * 2);
            }

            var read = await Inner.ReadAsync(held.AsMemory(heldLength), cancellationToken);
            if (read == 0)
            {
                return 0;
            }

            heldLength += read;
        }
    }

    /// <summary>How far reads may go: all before the ChangeCipherSpec, then up to the split point once a byte after it has arrived.</summary>
    private int Limit()
    {
        var (changeCipherSpec, data) = FirstRecordsOf();
        if (data >= 0 && heldLength > data + intoRecord)
        {
            return data + intoRecord;
        }

        return changeCipherSpec >= 0 ? changeCipherSpec : heldLength;
    }

    private bool IsSplitPoint(int position) => FirstRecordsOf().Data is var data and >= 0 && position == data + intoRecord;

    /// <summary>Where the first ChangeCipherSpec and application_data records start in what was held, -1 for none yet.</summary>
    private (int ChangeCipherSpec, int Data) FirstRecordsOf()
    {
        var (changeCipherSpec, data) = (-1, -1);
        for (var at = 0; at + HeaderLength <= heldLength; at += HeaderLength + (held[at + 3] << 8 | held[at + 4]))
        {
            if (held[at] == ChangeCipherSpec && changeCipherSpec < 0)
            {
                changeCipherSpec = at;
            }

            if (held[at] == ApplicationData && data < 0)
            {
                data = at;
            }
        }

        return (changeCipherSpec, data);
    }
}
