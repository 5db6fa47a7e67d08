namespace TlsBroker.Fuzz;

/// <summary>
/// One fuzz case: byte 0 says how the server's bytes are cut into reads, the rest is everything the server sends.
/// 0: one read per record, as the 5-byte headers say (what a socket usually gives); 255: all in one read;
/// n: reads of n bytes, so that records and handshake messages arrive split.
/// </summary>
internal readonly ref struct FuzzInput(ReadOnlySpan<byte> data)
{
    public const byte ReadPerRecord = 0;

    public const byte ReadAll = 255;

    private const int RecordHeaderBytes = 5;

    public byte ReadMode { get; } = data.IsEmpty ? ReadPerRecord : data[0];

    public ReadOnlySpan<byte> ServerBytes { get; } = data.IsEmpty ? [] : data[1..];

    /// <summary>The file for a recorded server flight.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> serverBytes, byte readMode = ReadPerRecord) => [readMode, .. serverBytes];

    /// <summary>How many of <paramref name="rest"/>'s bytes the next read gives (at least one).</summary>
    public int NextRead(ReadOnlySpan<byte> rest) => ReadMode switch
    {
        ReadAll => rest.Length,
        ReadPerRecord when rest.Length >= RecordHeaderBytes => Math.Min(rest.Length, RecordHeaderBytes + (rest[3] << 8 | rest[4])),
        ReadPerRecord => rest.Length,
        _ => Math.Min(rest.Length, ReadMode),
    };
}
