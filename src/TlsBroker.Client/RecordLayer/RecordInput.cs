using System.Buffers.Binary;
using System.Security.Cryptography;

namespace TlsBroker.Client.RecordLayer;

/// <summary>
/// The bytes arriving on the caller's connection, buffered with room for a few records: one read takes what the socket
/// holds, not one header and one record at a time. A record taken stays in place, so that it can be decrypted there and
/// its plaintext delivered from there.
/// </summary>
internal sealed class RecordInput(Stream transport, SessionEnd end) : IDisposable
{
    private readonly byte[] buffer = new byte[4 * (RecordCipher.HeaderLength + RecordCipher.MaxFragment)];
    private int start;
    private int count;

    /// <summary>The fragment length the buffered header of the next record announces.</summary>
    public int FragmentLength => BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(start + 3));

    /// <summary>
    /// Reads until <paramref name="wanted"/> unread bytes are buffered; false when the session ended instead (EOF). Called only
    /// once the last plaintext was delivered, so that moving the unread bytes to the front overwrites nothing still owed.
    /// </summary>
    public async ValueTask<bool> FillAsync(int wanted, CancellationToken cancellationToken)
    {
        if (buffer.Length - start < wanted)
        {
            buffer.AsSpan(start, count).CopyTo(buffer);
            start = 0;
        }

        while (count < wanted)
        {
            var read = await transport.ReadAsync(buffer.AsMemory(start + count), cancellationToken);
            if (read == 0)
            {
                // SSL_read(3), OpenSSL 3: EOF without close_notify is SSL_ERROR_SYSCALL, "unexpected eof while reading".
                end.Finish(new BrokerTlsResult { Ret = -1, Error = SslErrorCode.Syscall, Reason = "unexpected eof while reading" });
                return false;
            }

            count += read;
        }

        return true;
    }

    /// <summary>The next <paramref name="length"/> buffered bytes, which <see cref="FillAsync"/> brought in.</summary>
    public Memory<byte> Take(int length)
    {
        var taken = buffer.AsMemory(start, length);
        start += length;
        count -= length;
        return taken;
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(buffer);
}
