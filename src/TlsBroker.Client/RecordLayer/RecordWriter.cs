using System.Security.Cryptography;

namespace TlsBroker.Client.RecordLayer;

/// <summary>
/// The write side of an exported session: seals application data, KeyUpdate and alerts into records and writes them
/// to the caller's connection. Writes take turns, the reader's answers (close_notify, KeyUpdate, a fatal alert) included.
/// </summary>
internal sealed class RecordWriter : IDisposable
{
    private readonly Stream transport;
    private readonly Tls13TrafficSecret? secret;
    private readonly SessionEnd end;
    private readonly SemaphoreSlim turn = new(1, 1);
    // Every record is sealed here, under the turn, and written before the turn passes on.
    private readonly byte[] output = new byte[RecordCipher.MaxSealedRecord];
    private RecordCipher cipher;
    private bool keyUpdateOwed;
    private bool closeNotifySent;

    /// <param name="transport">The caller's connection, where the records go.</param>
    /// <param name="cipher">The client's write direction, at the sequence number of its next record.</param>
    /// <param name="secret">The TLS 1.3 client traffic secret <paramref name="cipher"/> was made from; null for TLS 1.2.</param>
    /// <param name="keyUpdateOwed">Whether the server requested a KeyUpdate before the export that is still to be answered.</param>
    /// <param name="end">Once set, application data can no longer be written.</param>
    public RecordWriter(Stream transport, RecordCipher cipher, Tls13TrafficSecret? secret, bool keyUpdateOwed, SessionEnd end)
    {
        this.transport = transport;
        this.cipher = cipher;
        this.secret = secret;
        this.keyUpdateOwed = keyUpdateOwed;
        this.end = end;
    }

    /// <summary>The sequence number of the next record to write.</summary>
    public long Sequence => cipher.Sequence;

    /// <summary>Encrypts <paramref name="data"/> into records of at most 2^14 bytes and writes them to the connection.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await turn.WaitAsync(cancellationToken);
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
                await WriteRecordLockedAsync(RecordCodes.ApplicationData, chunk.Span, cancellationToken);
                data = data[chunk.Length..];
            }
        }
        finally
        {
            turn.Release();
        }
    }

    /// <summary>Sends close_notify (once); reads may go on until the server's.</summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        await turn.WaitAsync(cancellationToken);
        try
        {
            if (closeNotifySent)
            {
                return;
            }

            closeNotifySent = true;
            await WriteRecordLockedAsync(RecordCodes.Alert, [1, RecordCodes.CloseNotify], cancellationToken);
            await transport.FlushAsync(cancellationToken);
        }
        finally
        {
            turn.Release();
        }
    }

    /// <summary>Answers the server's KeyUpdate(update_requested), unless close_notify was sent already.</summary>
    public async Task AnswerKeyUpdateAsync(CancellationToken cancellationToken)
    {
        await turn.WaitAsync(cancellationToken);
        try
        {
            if (!closeNotifySent)
            {
                await SendKeyUpdateLockedAsync(cancellationToken);
            }
        }
        finally
        {
            turn.Release();
        }
    }

    /// <summary>Sends a fatal alert in place of close_notify, best effort: the connection may be gone.</summary>
    public async Task SendFatalAlertAsync(byte description, CancellationToken cancellationToken)
    {
        await turn.WaitAsync(cancellationToken);
        try
        {
            if (!closeNotifySent)
            {
                closeNotifySent = true;
                await WriteRecordLockedAsync(RecordCodes.Alert, [2, description], cancellationToken);
            }
        }
        catch (IOException)
        {
            // The alert is a courtesy; the failure it reports is what the caller gets.
        }
        finally
        {
            turn.Release();
        }
    }

    public void Dispose()
    {
        cipher.Dispose();
        secret?.Dispose();
        CryptographicOperations.ZeroMemory(output);
        turn.Dispose();
    }

    /// <summary>Seals one record into the output buffer and writes it; the caller holds the turn until the write completes.</summary>
    private ValueTask WriteRecordLockedAsync(byte type, ReadOnlySpan<byte> payload, CancellationToken cancellationToken)
    {
        var length = cipher.Seal(type, payload, output);
        return transport.WriteAsync(output.AsMemory(0, length), cancellationToken);
    }

    /// <summary>Sends KeyUpdate(update_not_requested) under the current keys, then moves the write side to the next secret (RFC 8446 §4.6.3).</summary>
    private async Task SendKeyUpdateLockedAsync(CancellationToken cancellationToken)
    {
        await WriteRecordLockedAsync(RecordCodes.Handshake, [RecordCodes.KeyUpdate, 0, 0, 1, 0], cancellationToken);
        cipher.Dispose();
        cipher = secret!.Next();
        keyUpdateOwed = false;
    }

    private void ThrowIfCannotWrite()
    {
        if (end.Result is { } ended)
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
}
