namespace TlsBroker.Core.Engine;

/// <summary>
/// The first three bytes the server sent: content type and major version of its first record.
/// OpenSSL reports "wrong version number" when they cannot start a TLS record (ssl3_get_record),
/// whatever alert follows; BouncyCastle does not look at the version, so the engine does.
/// </summary>
internal sealed class FirstRecordHeader
{
    private readonly byte[] header = new byte[3];
    private int length;

    /// <summary>RFC 8446 §5.1: content types 20-24 and legacy_record_version 0x03xx.</summary>
    public bool IsNotTls => length == header.Length && (header[0] is < 20 or > 24 || header[1] != 3);

    public void Note(ReadOnlySpan<byte> data)
    {
        var take = Math.Min(header.Length - length, data.Length);
        data[..take].CopyTo(header.AsSpan(length));
        length += take;
    }
}
