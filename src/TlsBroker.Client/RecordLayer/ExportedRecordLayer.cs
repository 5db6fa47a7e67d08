using System.Buffers.Binary;
using System.Security.Cryptography;
using TlsBroker.Contracts.V1;

namespace TlsBroker.Client.RecordLayer;

/// <summary>
/// The record layer of a session whose keys the broker exported: reads and writes application data directly on the
/// caller's connection, so that the broker is no longer on the data path. Answers what a client must after the
/// handshake: close_notify (RFC 8446 §6.1, RFC 5246 §7.2.1), a TLS 1.3 KeyUpdate (RFC 8446 §4.6.3), and ignores
/// NewSessionTicket (TLS 1.3) and HelloRequest (TLS 1.2, RFC 5246 §7.4.1.1 allows it). One reader and one writer may
/// work at the same time: writes, including those the reader makes, take turns.
/// </summary>
internal sealed class ExportedRecordLayer : IDisposable
{
    private const byte Alert = 21;
    private const byte Handshake = 22;
    private const byte ApplicationData = 23;
    private const byte CloseNotify = 0;
    private const byte HelloRequest = 0;
    private const byte NewSessionTicket = 4;
    private const byte KeyUpdate = 24;

    private readonly Stream transport;
    private readonly bool tls13;
    private readonly bool isChaCha;
    private readonly int keyLength;
    private readonly HashAlgorithmName hash;
    private readonly SemaphoreSlim writeTurn = new(1, 1);
    // Room for a few records: one read takes what the socket holds, not one header and one record at a time.
    private readonly byte[] input = new byte[4 * (RecordCipher.HeaderLength + RecordCipher.MaxFragment)];
    // Every record is sealed here, under writeTurn, and written before the turn passes on.
    private readonly byte[] output = new byte[RecordCipher.MaxSealedRecord];
    private readonly MemoryStream handshakeMessages = new();
    private byte[] clientSecret = [];
    private byte[] serverSecret = [];
    private RecordCipher reader;
    private RecordCipher writer;
    private Memory<byte> pending;
    private int inputStart;
    private int inputEnd;
    private bool keyUpdateOwed;
    private bool closeNotifySent;
    private BrokerTlsResult? end;

    public ExportedRecordLayer(Stream transport, ExportedKeys keys)
    {
        this.transport = transport;
        tls13 = keys.ProtocolVersion == "TLSv1.3";
        isChaCha = keys.CipherSuite.Contains("CHACHA20_POLY1305", StringComparison.Ordinal);
        keyLength = isChaCha || keys.CipherSuite.Contains("AES_256", StringComparison.Ordinal) ? 32 : 16;
        if (!isChaCha && !keys.CipherSuite.Contains("_GCM_", StringComparison.Ordinal))
        {
            throw new NotSupportedException($"the exported suite {keys.CipherSuite} is not AES-GCM or ChaCha20-Poly1305");
        }

        if (tls13)
        {
            hash = Tls13KeySchedule.Hash(keys.Hash);
            clientSecret = keys.ClientTrafficSecret.ToByteArray();
            serverSecret = keys.ServerTrafficSecret.ToByteArray();
            reader = Tls13Cipher(serverSecret, (long)keys.ReadSequence);
            writer = Tls13Cipher(clientSecret, (long)keys.WriteSequence);
            keyUpdateOwed = keys.KeyUpdateOwed;
        }
        else
        {
            reader = new RecordCipher(false, isChaCha, keys.ServerWriteKey.ToByteArray(), keys.ServerWriteIv.ToByteArray(), (long)keys.ReadSequence);
            writer = new RecordCipher(false, isChaCha, keys.ClientWriteKey.ToByteArray(), keys.ClientWriteIv.ToByteArray(), (long)keys.WriteSequence);
        }
    }

    /// <summary>How the session ended (close_notify, EOF, a fatal alert or a record that failed); null while open.</summary>
    public BrokerTlsResult? End => Volatile.Read(ref end);

    /// <summary>Sequence numbers of the next record to read and to write, for tests and diagnostics.</summary>
    public (long Read, long Write) Sequences => (reader.Sequence, writer.Sequence);

    /// <summary>Reads application data into <paramref name="buffer"/>: 0 after the server's close_notify.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!pending.IsEmpty)
            {
                var count = Math.Min(buffer.Length, pending.Length);
                pending[..count].CopyTo(buffer);
                pending = pending[count..];
                return count;
            }

            if (buffer.IsEmpty)
            {
                return 0;
            }

            if (End is { } ended)
            {
                return ended.Error is SslErrorCode.Ssl or SslErrorCode.Syscall ? throw new BrokerTlsException(ended) : 0;
            }

            if (!await FillAsync(RecordCipher.HeaderLength, cancellationToken))
            {
                continue;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(input.AsSpan(inputStart + 3));
            if (length > RecordCipher.MaxFragment)
            {
                // RFC 8446 §5.2, RFC 5246 §6.2.3: a longer record is a record_overflow.
                await FailAsync(22, "record_overflow", "record too long", cancellationToken);
                continue;
            }

            if (!await FillAsync(RecordCipher.HeaderLength + length, cancellationToken))
            {
                continue;
            }

            var record = inputStart;
            inputStart += RecordCipher.HeaderLength + length;
            byte type;
            Memory<byte> plaintext;
            try
            {
                (type, plaintext) = reader.Open(input.AsSpan(record, RecordCipher.HeaderLength), input.AsMemory(record + RecordCipher.HeaderLength, length));
            }
            catch (CryptographicException)
            {
                await FailAsync(20, "bad_record_mac", "decryption failed or bad record mac", cancellationToken);
                continue;
            }
            catch (InvalidDataException e)
            {
                await FailAsync(10, "unexpected_message", e.Message, cancellationToken);
                continue;
            }

            switch (type)
            {
                case ApplicationData:
                    // The plaintext stays in the input buffer: the next record is read only once it is delivered.
                    pending = plaintext;
                    break;
                case Alert:
                    await OnAlertAsync(plaintext, cancellationToken);
                    break;
                case Handshake:
                    await OnHandshakeAsync(plaintext, cancellationToken);
                    break;
                default:
                    await FailAsync(10, "unexpected_message", $"unexpected record type {type} after the handshake", cancellationToken);
                    break;
            }
        }
    }

    /// <summary>Encrypts <paramref name="data"/> into records of at most 2^14 bytes and writes them to the connection.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await writeTurn.WaitAsync(cancellationToken);
        try
        {
            ThrowIfCannotWrite();

            // RFC 8446 §4.6.3: a KeyUpdate requested before the export is answered before any application data.
            if (keyUpdateOwed)
            {
                await SendKeyUpdateLockedAsync(cancellationToken);
            }

            while (!data.IsEmpty)
            {
                var chunk = data[..Math.Min(data.Length, RecordCipher.MaxPlaintext)];
                await WriteRecordLockedAsync(ApplicationData, chunk.Span, cancellationToken);
                data = data[chunk.Length..];
            }
        }
        finally
        {
            writeTurn.Release();
        }
    }

    /// <summary>Sends close_notify (once); reads may go on until the server's.</summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        await writeTurn.WaitAsync(cancellationToken);
        try
        {
            await SendCloseNotifyLockedAsync(cancellationToken);
        }
        finally
        {
            writeTurn.Release();
        }
    }

    public void Dispose()
    {
        reader.Dispose();
        writer.Dispose();
        CryptographicOperations.ZeroMemory(clientSecret);
        CryptographicOperations.ZeroMemory(serverSecret);
        CryptographicOperations.ZeroMemory(input);
        CryptographicOperations.ZeroMemory(output);
        writeTurn.Dispose();
    }

    private RecordCipher Tls13Cipher(byte[] secret, long sequence) =>
        new(true, isChaCha, Tls13KeySchedule.Key(hash, secret, keyLength), Tls13KeySchedule.Iv(hash, secret), sequence);

    /// <summary>
    /// Reads until <paramref name="count"/> unread bytes are buffered; false when the session ended instead (EOF). Called only
    /// once the last plaintext was delivered, so that moving the unread bytes to the front overwrites nothing still owed.
    /// </summary>
    private async ValueTask<bool> FillAsync(int count, CancellationToken cancellationToken)
    {
        if (input.Length - inputStart < count)
        {
            input.AsSpan(inputStart, inputEnd - inputStart).CopyTo(input);
            inputEnd -= inputStart;
            inputStart = 0;
        }

        while (inputEnd - inputStart < count)
        {
            var read = await transport.ReadAsync(input.AsMemory(inputEnd), cancellationToken);
            if (read == 0)
            {
                // SSL_read(3), OpenSSL 3: EOF without close_notify is SSL_ERROR_SYSCALL, "unexpected eof while reading".
                Finish(new BrokerTlsResult { Ret = -1, Error = SslErrorCode.Syscall, Reason = "unexpected eof while reading" });
                return false;
            }

            inputEnd += read;
        }

        return true;
    }

    private async Task OnAlertAsync(Memory<byte> alert, CancellationToken cancellationToken)
    {
        if (alert.Length != 2)
        {
            await FailAsync(50, "decode_error", "an alert record that is not 2 bytes long", cancellationToken);
            return;
        }

        var description = alert.Span[1];
        if (description == CloseNotify)
        {
            // RFC 8446 §6.1: each party MUST send close_notify before closing its write side; it is answered with ours, as the broker's engine does.
            await ShutdownAsync(cancellationToken);
            Finish(new BrokerTlsResult { Ret = 0, Error = SslErrorCode.ZeroReturn });
            return;
        }

        // RFC 8446 §6: in TLS 1.3 every alert but close_notify and user_canceled is fatal; TLS 1.2 says so by the level.
        if (alert.Span[0] == 1 && (!tls13 || description == 90))
        {
            return;
        }

        Finish(new BrokerTlsResult
        {
            Ret = -1,
            Error = SslErrorCode.Ssl,
            Alert = new BrokerTlsAlert(description, $"alert {description}", Sent: false, Fatal: true),
            Reason = $"the server sent fatal alert {description}",
        });
    }

    private async Task OnHandshakeAsync(Memory<byte> fragment, CancellationToken cancellationToken)
    {
        // RFC 8446 §5.1: handshake messages may be coalesced into one record or fragmented across several.
        handshakeMessages.Write(fragment.Span);
        var buffered = handshakeMessages.GetBuffer().AsMemory(0, (int)handshakeMessages.Length);
        var consumed = 0;
        while (buffered.Length - consumed >= 4)
        {
            var header = buffered.Span[consumed..];
            var length = (header[1] << 16) | (header[2] << 8) | header[3];
            if (buffered.Length - consumed - 4 < length)
            {
                break;
            }

            var type = header[0];
            var body = buffered.Slice(consumed + 4, length);
            consumed += 4 + length;
            if (!await OnHandshakeMessageAsync(type, body, cancellationToken))
            {
                return;
            }
        }

        var rest = buffered[consumed..].ToArray();
        handshakeMessages.SetLength(0);
        handshakeMessages.Write(rest);
    }

    private async Task<bool> OnHandshakeMessageAsync(byte type, Memory<byte> body, CancellationToken cancellationToken)
    {
        if (tls13 && type == NewSessionTicket)
        {
            return true;
        }

        if (!tls13 && type == HelloRequest)
        {
            return true;
        }

        if (!tls13 || type != KeyUpdate)
        {
            await FailAsync(10, "unexpected_message", $"unexpected handshake message {type} after the handshake", cancellationToken);
            return false;
        }

        // RFC 8446 §4.6.3: KeyUpdateRequest request_update, 0 update_not_requested or 1 update_requested.
        if (body.Length != 1 || body.Span[0] > 1)
        {
            await FailAsync(47, "illegal_parameter", "a KeyUpdate that is not update_not_requested or update_requested", cancellationToken);
            return false;
        }

        var nextServer = Tls13KeySchedule.NextSecret(hash, serverSecret);
        CryptographicOperations.ZeroMemory(serverSecret);
        serverSecret = nextServer;
        reader.Dispose();
        reader = Tls13Cipher(serverSecret, 0);
        if (body.Span[0] == 1)
        {
            await writeTurn.WaitAsync(cancellationToken);
            try
            {
                if (!closeNotifySent)
                {
                    await SendKeyUpdateLockedAsync(cancellationToken);
                }
            }
            finally
            {
                writeTurn.Release();
            }
        }

        return true;
    }

    /// <summary>Seals one record into the output buffer and writes it; the caller holds writeTurn until the write completes.</summary>
    private ValueTask WriteRecordLockedAsync(byte type, ReadOnlySpan<byte> payload, CancellationToken cancellationToken)
    {
        var length = writer.Seal(type, payload, output);
        return transport.WriteAsync(output.AsMemory(0, length), cancellationToken);
    }

    /// <summary>Sends KeyUpdate(update_not_requested) under the current keys, then moves the write side to the next secret (RFC 8446 §4.6.3).</summary>
    private async Task SendKeyUpdateLockedAsync(CancellationToken cancellationToken)
    {
        await WriteRecordLockedAsync(Handshake, [KeyUpdate, 0, 0, 1, 0], cancellationToken);
        var next = Tls13KeySchedule.NextSecret(hash, clientSecret);
        CryptographicOperations.ZeroMemory(clientSecret);
        clientSecret = next;
        writer.Dispose();
        writer = Tls13Cipher(clientSecret, 0);
        keyUpdateOwed = false;
    }

    private async Task SendCloseNotifyLockedAsync(CancellationToken cancellationToken)
    {
        if (closeNotifySent)
        {
            return;
        }

        closeNotifySent = true;
        await WriteRecordLockedAsync(Alert, [1, CloseNotify], cancellationToken);
        await transport.FlushAsync(cancellationToken);
    }

    /// <summary>Sends a fatal alert (best effort: the connection may be gone) and ends the session with it.</summary>
    private async Task FailAsync(byte description, string name, string reason, CancellationToken cancellationToken)
    {
        await writeTurn.WaitAsync(cancellationToken);
        try
        {
            if (!closeNotifySent)
            {
                closeNotifySent = true;
                await WriteRecordLockedAsync(Alert, [2, description], cancellationToken);
            }
        }
        catch (IOException)
        {
            // The alert is a courtesy; the failure it reports is what the caller gets.
        }
        finally
        {
            writeTurn.Release();
        }

        Finish(new BrokerTlsResult
        {
            Ret = -1,
            Error = SslErrorCode.Ssl,
            Alert = new BrokerTlsAlert(description, name, Sent: true, Fatal: true),
            Reason = reason,
        });
    }

    private void ThrowIfCannotWrite()
    {
        if (End is { } ended)
        {
            throw ended.Error == SslErrorCode.Ssl
                ? new BrokerTlsException(ended)
                : new IOException($"the TLS session has ended ({ended.ErrorName}); nothing more can be written");
        }

        if (closeNotifySent)
        {
            throw new IOException("close_notify was sent; nothing more can be written");
        }
    }

    private void Finish(BrokerTlsResult result) => Interlocked.CompareExchange(ref end, result, null);
}
