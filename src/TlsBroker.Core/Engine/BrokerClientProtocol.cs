using System.Buffers;
using System.Runtime.CompilerServices;
using Org.BouncyCastle.Tls;

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
/// </remarks>
internal sealed class BrokerClientProtocol : TlsClientProtocol
{
    private readonly byte[] recordHeader = new byte[RecordFormat.FragmentOffset];
    private byte[]? partial;
    private int partialLength;

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
            OfferInput(buffer, offset - recordSize, recordSize);
        }

        KeepUnconsumed(buffer, offset);
    }

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
        ApplicationDataQueue(this).Shrink();
        return plaintext;
    }

    /// <summary>Gives the partial record's pooled array back; the protocol takes no input afterwards.</summary>
    public void ReleaseBuffers()
    {
        ReturnPartial();
        partialLength = 0;
    }

    /// <summary>TlsProtocol keeps received application data in a private queue with no way to shrink it from outside (BouncyCastle 2.7).</summary>
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "m_applicationDataQueue")]
    private static extern ref ByteQueue ApplicationDataQueue(TlsProtocol protocol);

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
