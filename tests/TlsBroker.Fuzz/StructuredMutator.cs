namespace TlsBroker.Fuzz;

/// <summary>
/// Structure-aware mutations of a recorded server flight, the counterpart of afl-fuzz's byte-level ones: the plaintext
/// handshake messages (everything before the first ChangeCipherSpec, the whole TLS 1.2 server flight up to
/// ServerHelloDone, the TLS 1.3 ServerHello) are taken apart, one is changed with every length field around it kept
/// consistent (a field inside it, a DER element of a certificate, a message dropped, repeated or moved, a record
/// inserted), and the messages are packed again into records of random sizes. What follows stays as recorded.
/// </summary>
internal static class StructuredMutator
{
    private const byte Handshake = 22;
    private const byte ChangeCipherSpec = 20;
    private const int MaxFragment = 16384;
    private const byte CertificateMessage = 11;

    public static byte[] Mutate(ReadOnlySpan<byte> seed, Random random)
    {
        var readMode = seed[0];
        var (messages, rest) = Split(seed[1..]);
        if (messages.Count == 0)
        {
            return seed.ToArray();
        }

        var extraRecords = new List<(int Before, byte[] Record)>();
        var rounds = random.Next(1, 4);
        for (var round = 0; round < rounds; round++)
        {
            var index = random.Next(messages.Count);
            switch (random.Next(8))
            {
                case 0:
                    messages[index] = messages[index] with { Body = ChangeInteger(messages[index].Body, random) };
                    break;
                case 1:
                    messages[index] = messages[index] with { Body = Overwrite(messages[index].Body, random) };
                    break;
                case 2:
                    messages[index] = messages[index] with { Body = Resize(messages[index].Body, random) };
                    break;
                case 3 when messages.Any(m => m.Type == CertificateMessage):
                    var certificate = messages.FindIndex(m => m.Type == CertificateMessage);
                    messages[certificate] = messages[certificate] with { Body = MutateCertificateList(messages[certificate].Body, random) };
                    break;
                case 4 when messages.Count > 1:
                    messages.RemoveAt(index);
                    break;
                case 5:
                    messages.Insert(random.Next(messages.Count + 1), messages[index]);
                    break;
                case 6:
                    messages[index] = messages[index] with { Type = (byte)new[] { 0, 1, 2, 4, 8, 11, 12, 13, 14, 15, 20, 24, random.Next(256) }[random.Next(13)] };
                    break;
                default:
                    extraRecords.Add((random.Next(messages.Count + 1), StrayRecord(random)));
                    break;
            }
        }

        using var output = new MemoryStream();
        output.WriteByte(readMode);
        WriteMessages(output, messages, extraRecords, random);
        output.Write(rest);
        return output.ToArray();
    }

    private sealed record Message(byte Type, byte[] Body);

    private static (List<Message> Messages, byte[] Remainder) Split(ReadOnlySpan<byte> server)
    {
        using var handshake = new MemoryStream();
        var offset = 0;
        while (offset + 5 <= server.Length && server[offset] == Handshake)
        {
            var length = server[offset + 3] << 8 | server[offset + 4];
            if (offset + 5 + length > server.Length)
            {
                break;
            }

            handshake.Write(server.Slice(offset + 5, length));
            offset += 5 + length;
        }

        var bytes = handshake.ToArray();
        var messages = new List<Message>();
        var at = 0;
        while (at + 4 <= bytes.Length)
        {
            var length = bytes[at + 1] << 16 | bytes[at + 2] << 8 | bytes[at + 3];
            if (at + 4 + length > bytes.Length)
            {
                break;
            }

            messages.Add(new Message(bytes[at], bytes[(at + 4)..(at + 4 + length)]));
            at += 4 + length;
        }

        return at == bytes.Length ? (messages, server[offset..].ToArray()) : ([], server.ToArray());
    }

    private static void WriteMessages(MemoryStream output, List<Message> messages, List<(int Before, byte[] Record)> extraRecords, Random random)
    {
        using var stream = new MemoryStream();
        var boundaries = new List<(long At, byte[] Record)>();
        for (var i = 0; i <= messages.Count; i++)
        {
            boundaries.AddRange(extraRecords.Where(extra => extra.Before == i).Select(extra => (stream.Length, extra.Record)));
            if (i < messages.Count)
            {
                var body = messages[i].Body;
                stream.Write([messages[i].Type, (byte)(body.Length >> 16), (byte)(body.Length >> 8), (byte)body.Length]);
                stream.Write(body);
            }
        }

        var bytes = stream.ToArray();
        var split = random.Next(3) == 0;
        var written = 0;
        while (written < bytes.Length || boundaries.Count > 0)
        {
            while (boundaries.Count > 0 && boundaries[0].At <= written)
            {
                output.Write(boundaries[0].Record);
                boundaries.RemoveAt(0);
            }

            if (written >= bytes.Length)
            {
                continue;
            }

            var next = boundaries.Count > 0 ? (int)boundaries[0].At : bytes.Length;
            var size = Math.Min(split ? random.Next(1, 600) : MaxFragment, Math.Max(1, next - written));
            size = Math.Min(size, bytes.Length - written);
            output.Write([Handshake, 3, 3, (byte)(size >> 8), (byte)size]);
            output.Write(bytes, written, size);
            written += size;
        }
    }

    /// <summary>An alert, a ChangeCipherSpec, application data or an unknown content type, in plaintext, between handshake records.</summary>
    private static byte[] StrayRecord(Random random) => random.Next(4) switch
    {
        0 => [21, 3, 3, 0, 2, (byte)random.Next(1, 3), (byte)new[] { 0, 10, 40, 42, 50, 70, 80, 90, 100, 112, random.Next(256) }[random.Next(11)]],
        1 => [ChangeCipherSpec, 3, 3, 0, 1, 1],
        2 => [23, 3, 3, 0, 4, 1, 2, 3, 4],
        _ => [(byte)random.Next(256), 3, 3, 0, 1, 0],
    };

    /// <summary>A 1-, 2- or 3-byte big-endian integer inside the body (a vector length, a count, a code point) moved a little or to an edge.</summary>
    private static byte[] ChangeInteger(byte[] body, Random random)
    {
        if (body.Length == 0)
        {
            return body;
        }

        var data = (byte[])body.Clone();
        var width = random.Next(1, 4);
        var at = random.Next(Math.Max(1, data.Length - width + 1));
        width = Math.Min(width, data.Length - at);
        long value = 0;
        for (var i = 0; i < width; i++)
        {
            value = value << 8 | data[at + i];
        }

        var max = (1L << (8 * width)) - 1;
        value = random.Next(4) switch
        {
            0 => 0,
            1 => max,
            _ => Math.Clamp(value + random.Next(-4, 5), 0, max),
        };
        for (var i = width - 1; i >= 0; i--)
        {
            data[at + i] = (byte)value;
            value >>= 8;
        }

        return data;
    }

    private static byte[] Overwrite(byte[] body, Random random)
    {
        if (body.Length == 0)
        {
            return [(byte)random.Next(256)];
        }

        var data = (byte[])body.Clone();
        var at = random.Next(data.Length);
        var span = data.AsSpan(at, Math.Min(data.Length - at, random.Next(1, 9)));
        random.NextBytes(span);
        return data;
    }

    private static byte[] Resize(byte[] body, Random random)
    {
        var at = random.Next(body.Length + 1);
        if (random.Next(2) == 0 || body.Length == 0)
        {
            var extra = new byte[random.Next(1, 64)];
            random.NextBytes(extra);
            return [.. body[..at], .. extra, .. body[at..]];
        }

        var cut = Math.Min(body.Length - at, random.Next(1, 64));
        return [.. body[..at], .. body[(at + cut)..]];
    }

    /// <summary>
    /// One certificate of a Certificate message (TLS 1.2 layout: certificate_list&lt;0..2^24-1&gt; of ASN.1Cert&lt;1..2^24-1&gt;) changed at
    /// one DER element: its tag, its length, or its content, with the certificate's and the list's lengths kept right.
    /// </summary>
    private static byte[] MutateCertificateList(byte[] body, Random random)
    {
        var certificates = new List<byte[]>();
        var at = 3;
        while (at + 3 <= body.Length)
        {
            var length = body[at] << 16 | body[at + 1] << 8 | body[at + 2];
            if (at + 3 + length > body.Length)
            {
                return Overwrite(body, random);
            }

            certificates.Add(body[(at + 3)..(at + 3 + length)]);
            at += 3 + length;
        }

        if (certificates.Count == 0)
        {
            return body;
        }

        var which = random.Next(certificates.Count);
        certificates[which] = MutateDer(certificates[which], random);
        if (random.Next(8) == 0)
        {
            certificates.Insert(random.Next(certificates.Count + 1), certificates[which]);
        }

        using var output = new MemoryStream();
        var total = certificates.Sum(c => 3 + c.Length);
        output.Write([(byte)(total >> 16), (byte)(total >> 8), (byte)total]);
        foreach (var certificate in certificates)
        {
            output.Write([(byte)(certificate.Length >> 16), (byte)(certificate.Length >> 8), (byte)certificate.Length]);
            output.Write(certificate);
        }

        return output.ToArray();
    }

    /// <summary>Walks the DER tree to a random element and changes its tag, its length byte, or a content byte.</summary>
    private static byte[] MutateDer(byte[] der, Random random)
    {
        var elements = new List<(int Tag, int LengthAt, int ContentAt, int ContentLength)>();
        Walk(der, 0, der.Length, elements, depth: 0);
        if (elements.Count == 0)
        {
            return Overwrite(der, random);
        }

        var (tag, lengthAt, contentAt, contentLength) = elements[random.Next(elements.Count)];
        var data = (byte[])der.Clone();
        switch (random.Next(4))
        {
            case 0:
                data[tag] = (byte)new[] { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x17, 0x18, 0x30, 0x31, 0xa0, 0xa3, random.Next(256) }[random.Next(16)];
                break;
            case 1:
                data[lengthAt] = (byte)(data[lengthAt] + random.Next(-2, 3));
                break;
            case 2 when contentLength > 0:
                data[contentAt + random.Next(contentLength)] = (byte)random.Next(256);
                break;
            default:
                return [.. data[..contentAt], .. data[(contentAt + contentLength)..]];
        }

        return data;
    }

    private static void Walk(byte[] der, int start, int end, List<(int, int, int, int)> elements, int depth)
    {
        var at = start;
        while (at + 2 <= end && depth < 12)
        {
            var tag = at;
            var first = der[at + 1];
            var lengthBytes = first < 0x80 ? 0 : first & 0x7f;
            if (lengthBytes > 3 || at + 2 + lengthBytes > end)
            {
                return;
            }

            var length = first < 0x80 ? first : 0;
            for (var i = 0; i < lengthBytes; i++)
            {
                length = length << 8 | der[at + 2 + i];
            }

            var content = at + 2 + lengthBytes;
            if (content + length > end)
            {
                return;
            }

            elements.Add((tag, at + 1 + lengthBytes, content, length));
            if ((der[tag] & 0x20) != 0)
            {
                Walk(der, content, content + length, elements, depth + 1);
            }

            at = content + length;
        }
    }
}
