using System.Security.Cryptography;

namespace TlsBroker.Client.RecordLayer;

/// <summary>
/// The read side of an exported session: opens the server's records and delivers their application data. Answers
/// close_notify (RFC 8446 §6.1, RFC 5246 §7.2.1) and a TLS 1.3 KeyUpdate (RFC 8446 §4.6.3) through the writer, ignores
/// NewSessionTicket (TLS 1.3) and HelloRequest (TLS 1.2, RFC 5246 §7.4.1.1 allows it), and ends the session on anything else.
/// </summary>
internal sealed class RecordReader : IDisposable
{
    private readonly RecordInput input;
    private readonly Tls13TrafficSecret? secret;
    private readonly RecordWriter writer;
    private readonly SessionEnd end;
    private readonly HandshakeMessageBuffer handshakeMessages = new();
    private RecordCipher cipher;
    private Memory<byte> pending;

    /// <param name="transport">The caller's connection, where the server's records arrive.</param>
    /// <param name="cipher">The server's write direction, at the sequence number of its next record.</param>
    /// <param name="secret">The TLS 1.3 server traffic secret <paramref name="cipher"/> was made from; null for TLS 1.2.</param>
    /// <param name="writer">Where close_notify, KeyUpdate and fatal alerts are answered.</param>
    /// <param name="end">Set when a record ends the session.</param>
    public RecordReader(Stream transport, RecordCipher cipher, Tls13TrafficSecret? secret, RecordWriter writer, SessionEnd end)
    {
        input = new RecordInput(transport, end);
        this.cipher = cipher;
        this.secret = secret;
        this.writer = writer;
        this.end = end;
    }

    /// <summary>The sequence number of the next record to read.</summary>
    public long Sequence => cipher.Sequence;

    private bool IsTls13 => secret is not null;

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

            if (end.Result is { } ended)
            {
                return ended.Error is SslErrorCode.Ssl or SslErrorCode.Syscall ? throw new BrokerTlsException(ended) : 0;
            }

            if (!await input.FillAsync(RecordCipher.HeaderLength, cancellationToken))
            {
                continue;
            }

            var length = input.FragmentLength;
            if (length > RecordCipher.MaxFragment)
            {
                // RFC 8446 §5.2, RFC 5246 §6.2.3: a longer record is a record_overflow.
                await FailAsync(22, "record_overflow", "record too long", cancellationToken);
                continue;
            }

            if (!await input.FillAsync(RecordCipher.HeaderLength + length, cancellationToken))
            {
                continue;
            }

            var record = input.Take(RecordCipher.HeaderLength + length);
            byte type;
            Memory<byte> plaintext;
            try
            {
                (type, plaintext) = cipher.Open(record.Span[..RecordCipher.HeaderLength], record[RecordCipher.HeaderLength..]);
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
                case RecordCodes.ApplicationData:
                    // The plaintext stays in the input buffer: the next record is read only once it is delivered.
                    pending = plaintext;
                    break;
                case RecordCodes.Alert:
                    await OnAlertAsync(plaintext, cancellationToken);
                    break;
                case RecordCodes.Handshake:
                    await OnHandshakeAsync(plaintext, cancellationToken);
                    break;
                default:
                    await FailAsync(10, "unexpected_message", $"unexpected record type {type} after the handshake", cancellationToken);
                    break;
            }
        }
    }

    public void Dispose()
    {
        cipher.Dispose();
        secret?.Dispose();
        input.Dispose();
    }

    private async Task OnAlertAsync(Memory<byte> alert, CancellationToken cancellationToken)
    {
        if (alert.Length != 2)
        {
            await FailAsync(50, "decode_error", "an alert record that is not 2 bytes long", cancellationToken);
            return;
        }

        var description = alert.Span[1];
        if (description == RecordCodes.CloseNotify)
        {
            // RFC 8446 §6.1: each party MUST send close_notify before closing its write side; it is answered with ours, as the broker's engine does.
            await writer.ShutdownAsync(cancellationToken);
            end.Finish(new BrokerTlsResult { Ret = 0, Error = SslErrorCode.ZeroReturn });
            return;
        }

        // RFC 8446 §6: in TLS 1.3 every alert but close_notify and user_canceled is fatal; TLS 1.2 says so by the level.
        if (alert.Span[0] == 1 && (!IsTls13 || description == 90))
        {
            return;
        }

        end.Finish(new BrokerTlsResult
        {
            Ret = -1,
            Error = SslErrorCode.Ssl,
            Alert = new BrokerTlsAlert(description, $"alert {description}", Sent: false, Fatal: true),
            Reason = $"the server sent fatal alert {description}",
        });
    }

    private async Task OnHandshakeAsync(Memory<byte> fragment, CancellationToken cancellationToken)
    {
        handshakeMessages.Append(fragment.Span);
        while (handshakeMessages.TryRead(out var type, out var body))
        {
            if (!await OnHandshakeMessageAsync(type, body, cancellationToken))
            {
                return;
            }
        }
    }

    private async Task<bool> OnHandshakeMessageAsync(byte type, Memory<byte> body, CancellationToken cancellationToken)
    {
        if (IsTls13 ? type == RecordCodes.NewSessionTicket : type == RecordCodes.HelloRequest)
        {
            return true;
        }

        if (!IsTls13 || type != RecordCodes.KeyUpdate)
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

        cipher.Dispose();
        cipher = secret!.Next();
        if (body.Span[0] == 1)
        {
            await writer.AnswerKeyUpdateAsync(cancellationToken);
        }

        return true;
    }

    /// <summary>Sends a fatal alert (best effort: the connection may be gone) and ends the session with it.</summary>
    private async Task FailAsync(byte description, string name, string reason, CancellationToken cancellationToken)
    {
        await writer.SendFatalAlertAsync(description, cancellationToken);
        end.Finish(new BrokerTlsResult
        {
            Ret = -1,
            Error = SslErrorCode.Ssl,
            Alert = new BrokerTlsAlert(description, name, Sent: true, Fatal: true),
            Reason = reason,
        });
    }
}
