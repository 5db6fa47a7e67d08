using System.Buffers;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace TlsBroker.Core.Engine;

/// <summary>
/// BouncyCastle's non-blocking client protocol, with a close_notify that leaves the read side
/// open (SSL_shutdown(3) sends ours and still reads the server's records until its close_notify;
/// BouncyCastle's own Close() would refuse any further input), and with buffers that an idle
/// session does not keep.
/// </summary>
/// <remarks>
/// BouncyCastle's queues grow to the largest record they have held and never shrink on their
/// own: a session that once moved 16 KiB each way would keep about 66 KiB while idle. Input is
/// therefore cut into whole records here (BouncyCastle's record-at-a-time path buffers nothing),
/// the partial record waits in a pooled array, and the output and application-data queues are
/// shrunk once drained.
/// TLS 1.3 resumption, which BouncyCastle (2.7.0) does not do, is added here: the
/// resumption_master_secret at the client Finished, NewSessionTicket messages, and the offered PSK's
/// "res binder" and ticket age (RFC 8446 §4.2.11), all kept by the <see cref="SessionResumer"/>.
/// What this needs of BouncyCastle's private members goes through <see cref="BouncyCastleInternals"/>.
/// </remarks>
internal sealed class BrokerClientProtocol(SessionResumer resumer) : TlsClientProtocol
{
    private readonly byte[] recordHeader = new byte[RecordFormat.FragmentOffset];
    private byte[]? partial;
    private int partialLength;
    private int warningAlertsInARow;

    public void SendCloseNotify() => RaiseAlertWarning(AlertDescription.close_notify, "Shutdown requested");

    /// <summary>
    /// Offers every complete record of what came before and <paramref name="data"/> to BouncyCastle,
    /// one record per call, and keeps an incomplete one for the next call. A record header is judged
    /// by BouncyCastle as soon as its 5 bytes are here, as its own buffering would.
    /// </summary>
    public void OfferRecords(ReadOnlySpan<byte> data)
    {
        var total = partialLength + data.Length;
        var buffer = partial;
        if (buffer is null || buffer.Length < total)
        {
            buffer = ArrayPool<byte>.Shared.Rent(total);
            partial?.AsSpan(0, partialLength).CopyTo(buffer);
            ReturnPartial();
            partial = buffer;
        }

        data.CopyTo(buffer.AsSpan(partialLength));
        partialLength = total;
        var offset = 0;
        while (partialLength - offset >= RecordFormat.FragmentOffset && !IsClosed)
        {
            buffer.AsSpan(offset, RecordFormat.FragmentOffset).CopyTo(recordHeader);
            var recordSize = PreviewInputRecord(recordHeader).RecordSize;
            if (partialLength - offset < recordSize)
            {
                break;
            }

            // Consumed before the call: a record that fails is not offered again.
            offset += recordSize;
            var plaintextBefore = GetAvailableInputBytes();
            OfferInput(buffer, offset - recordSize, recordSize);
            if (GetAvailableInputBytes() > plaintextBefore)
            {
                warningAlertsInARow = 0;
            }
        }

        KeepUnconsumed(buffer, offset);
    }

    /// <summary>Part of a record is waiting for the rest of its bytes.</summary>
    public bool HasPartialRecord => partialLength > 0;

    /// <summary>Everything BouncyCastle has written for the server, in a new array the caller owns.</summary>
    public byte[] TakeOutput()
    {
        var available = GetAvailableOutputBytes();
        if (available == 0)
        {
            return [];
        }

        var output = new byte[available];
        ReadOutput(output, 0, available);
        m_outputBuffer.Buffer.Shrink();
        return output;
    }

    /// <summary>Every decrypted application-data byte, in a new array the caller owns.</summary>
    public byte[] TakePlaintext()
    {
        var available = GetAvailableInputBytes();
        if (available == 0)
        {
            return [];
        }

        var plaintext = new byte[available];
        ReadInput(plaintext, 0, available);
        BouncyCastleInternals.ApplicationDataQueue(this).Shrink();
        return plaintext;
    }

    /// <summary>Gives the partial record's pooled array back; the protocol takes no input afterwards.</summary>
    public void ReleaseBuffers()
    {
        ReturnPartial();
        partialLength = 0;
    }

    /// <summary>
    /// Before the ClientHello with a TLS 1.3 resumption PSK is encoded (also again after a
    /// HelloRetryRequest): its early secret becomes one whose binder key is a "res binder" one, and
    /// its identity carries the obfuscated ticket age, for which BouncyCastle writes 0 (RFC 8446 §4.2.11.1).
    /// </summary>
    protected override void SendClientHelloMessage()
    {
        if (resumer.Offered is { IsTls13: true } state && BouncyCastleInternals.OfferedEarlySecrets(this) is { } earlySecrets)
        {
            earlySecrets[0] = resumer.ResumptionEarlySecret((BcTlsCrypto)Context.Crypto);
            TlsExtensionsUtilities.AddPreSharedKeyClientHello(
                m_clientHello.Extensions, new OfferedPsks([new PskIdentity(state.Ticket, resumer.ObfuscatedTicketAge())]));
        }

        base.SendClientHelloMessage();
    }

    /// <summary>The transcript through the client Finished exists only now: BouncyCastle resets it when the handshake completes.</summary>
    protected override void Send13FinishedMessage()
    {
        base.Send13FinishedMessage();
        resumer.NoteClientFinished(Context.SecurityParameters, BouncyCastleInternals.HandshakeHash(this).ForkPrfHash().CalculateHash());
    }

    /// <summary>
    /// BouncyCastle checks that the message comes after the handshake and is well formed, and drops it;
    /// it is read again here. RFC 8446 §4.6.1: ticket_lifetime, ticket_age_add, ticket_nonce, ticket, extensions.
    /// </summary>
    protected override void Receive13NewSessionTicket(MemoryStream buf)
    {
        var start = buf.Position;
        base.Receive13NewSessionTicket(buf);
        buf.Position = start;
        var lifetime = TlsUtilities.ReadUint32(buf);
        var ageAdd = (uint)TlsUtilities.ReadUint32(buf);
        var nonce = TlsUtilities.ReadOpaque8(buf);

        // RFC 8446 §4.6.1: opaque ticket<1..2^16-1>.
        var ticket = TlsUtilities.ReadOpaque16(buf, 1);
        resumer.NoteTls13Ticket(Context.Crypto, lifetime, ageAdd, nonce, ticket);
    }

    /// <summary>
    /// OpenSSL ssl3_read_bytes counts warning alerts until another record arrives and, at MAX_WARN_ALERT_COUNT,
    /// fails with unexpected_message: a server streaming warnings must not keep a session reading forever.
    /// </summary>
    protected override void HandleAlertMessage(short alertLevel, short alertDescription)
    {
        if (alertLevel == AlertLevel.warning && alertDescription != AlertDescription.close_notify
            && ++warningAlertsInARow >= PeerInputFailure.MaxWarningAlertsInARow)
        {
            throw new TlsFatalAlert(AlertDescription.unexpected_message, PeerInputFailure.TooManyWarningAlerts.Reason);
        }

        base.HandleAlertMessage(alertLevel, alertDescription);
    }

    protected override void HandleHandshakeMessage(short type, HandshakeMessageInput buf)
    {
        warningAlertsInARow = 0;
        try
        {
            base.HandleHandshakeMessage(type, buf);
        }
        catch (ArgumentException e) when (type == HandshakeType.certificate && e.TargetSite?.DeclaringType?.Assembly == typeof(TlsProtocol).Assembly)
        {
            // BouncyCastle's ASN.1 reads a certificate structure it cannot take (an RSASSA-PSS signature algorithm with
            // NULL parameters ...) with ArgumentException, which would become internal_error. OpenSSL's
            // tls_process_server_certificate answers a certificate it cannot decode with bad_certificate (ERR_R_ASN1_LIB).
            // Only BouncyCastle's own: the same exception from the broker's verification is a defect and stays one.
            throw new TlsFatalAlert(AlertDescription.bad_certificate, PeerInputFailure.UndecodableCertificate.Reason, e);
        }
    }

    /// <summary>The alert sent is the one OpenSSL sends for the same input (<see cref="PeerInputFailure"/>), not internal_error.</summary>
    protected override void HandleException(short alertDescription, string message, Exception e) =>
        base.HandleException(PeerInputFailure.Classify(e)?.Alert ?? alertDescription, message, e);

    private void KeepUnconsumed(byte[] buffer, int consumed)
    {
        partialLength -= consumed;
        if (partialLength == 0)
        {
            ReturnPartial();
        }
        else if (consumed > 0)
        {
            buffer.AsSpan(consumed, partialLength).CopyTo(buffer);
        }
    }

    private void ReturnPartial()
    {
        if (partial is { } rented)
        {
            partial = null;
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
