namespace TlsBroker.Core.Resumption;

/// <summary>
/// The byte layout of a <see cref="ResumptionState"/>: a format version, then the fields in a fixed
/// order, each byte string with its length. Integers little-endian (BinaryWriter).
/// </summary>
internal static class ResumptionStateFormat
{
    /// <summary>
    /// Bumped when the layout changes, so that a state written by another broker version is refused, not misread.
    /// A TLS 1.2 state is still written as version 1, which brokers without TLS 1.3 resumption read as well.
    /// </summary>
    private const byte Tls12FormatVersion = 1;

    /// <summary>Version 1's fields, then the TLS 1.3 ticket's age_add and arrival time.</summary>
    private const byte Tls13FormatVersion = 2;

    private const int MaxCertificates = 16;

    private const int MaxExtensions = 64;

    private const int MaxBytesField = 1 << 20;

    public static byte[] Write(ResumptionState state)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            writer.Write(state.IsTls13 ? Tls13FormatVersion : Tls12FormatVersion);
            writer.Write(state.ProtocolVersion);
            writer.Write(state.CipherSuite);
            writer.Write(state.ExtendedMasterSecret);
            WriteBytes(writer, state.SessionId);
            WriteBytes(writer, state.Ticket);
            WriteBytes(writer, state.MasterSecret);
            writer.Write(state.ServerExtensions.Count);
            foreach (var (type, data) in state.ServerExtensions)
            {
                writer.Write(type);
                WriteBytes(writer, data);
            }

            writer.Write(state.PeerCertificates.Count);
            foreach (var certificate in state.PeerCertificates)
            {
                WriteBytes(writer, certificate);
            }

            writer.Write(state.EstablishedAt.ToUnixTimeMilliseconds());
            writer.Write(state.ValidUntil.ToUnixTimeMilliseconds());
            if (state.IsTls13)
            {
                writer.Write(state.TicketAgeAdd);
                writer.Write(state.TicketReceivedAt.ToUnixTimeMilliseconds());
            }
        }

        return buffer.ToArray();
    }

    public static bool TryRead(ReadOnlySpan<byte> bytes, out ResumptionState? state)
    {
        state = null;
        using var reader = new BinaryReader(new MemoryStream(bytes.ToArray(), writable: false));
        try
        {
            var formatVersion = reader.ReadByte();
            if (formatVersion is not (Tls12FormatVersion or Tls13FormatVersion))
            {
                return false;
            }

            var protocolVersion = reader.ReadInt32();
            var cipherSuite = reader.ReadInt32();
            var extendedMasterSecret = reader.ReadBoolean();
            var sessionId = ReadBytes(reader);
            var ticket = ReadBytes(reader);
            var masterSecret = ReadBytes(reader);
            var extensions = new Dictionary<int, byte[]>();
            for (var count = ReadCount(reader, MaxExtensions); count > 0; count--)
            {
                extensions[reader.ReadInt32()] = ReadBytes(reader);
            }

            var certificates = new List<byte[]>();
            for (var count = ReadCount(reader, MaxCertificates); count > 0; count--)
            {
                certificates.Add(ReadBytes(reader));
            }

            var establishedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.ReadInt64());
            var validUntil = DateTimeOffset.FromUnixTimeMilliseconds(reader.ReadInt64());
            var tls13 = formatVersion == Tls13FormatVersion;
            var ticketAgeAdd = tls13 ? reader.ReadUInt32() : 0;
            var ticketReceivedAt = tls13 ? DateTimeOffset.FromUnixTimeMilliseconds(reader.ReadInt64()) : establishedAt;
            if (reader.BaseStream.Position != reader.BaseStream.Length)
            {
                return false;
            }

            var parsed = new ResumptionState(
                protocolVersion, cipherSuite, extendedMasterSecret, sessionId, ticket, masterSecret, extensions, certificates, establishedAt, validUntil, ticketAgeAdd, ticketReceivedAt);

            // The layout and the protocol version agree, or the state was not written by this format.
            if (parsed.IsTls13 != tls13)
            {
                return false;
            }

            state = parsed;
            return true;
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or ArgumentOutOfRangeException)
        {
            // Truncated, a length out of range, or a time outside DateTimeOffset: not a state this format wrote.
            return false;
        }
    }

    private static void WriteBytes(BinaryWriter writer, byte[] data)
    {
        writer.Write(data.Length);
        writer.Write(data);
    }

    private static byte[] ReadBytes(BinaryReader reader)
    {
        var length = ReadCount(reader, MaxBytesField);
        var data = reader.ReadBytes(length);
        return data.Length == length ? data : throw new EndOfStreamException();
    }

    private static int ReadCount(BinaryReader reader, int max)
    {
        var count = reader.ReadInt32();
        return count >= 0 && count <= max ? count : throw new InvalidDataException($"count {count} out of range");
    }
}
