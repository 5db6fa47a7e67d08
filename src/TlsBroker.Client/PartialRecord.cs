using System.Buffers;
using Google.Protobuf;
using TlsBroker.Contracts.V1;

namespace TlsBroker.Client;

/// <summary>
/// The rest of a record the handshake's last read ended inside (<see cref="RecordBoundaryTracker"/>), given to the
/// broker before a key export, which the broker refuses mid-record (FAILED_PRECONDITION): it could not hand over a
/// record it has only part of, and the client could not decrypt the rest.
/// </summary>
internal static class PartialRecord
{
    /// <summary>
    /// Reads just the rest of the record from <paramref name="transport"/>, nothing past its end, and gives it to the
    /// broker in one Received (more only for a record beyond the request's payload limit). The transport reads are
    /// bounded by <paramref name="cancellationToken"/>, which carries the authentication's deadline, as the handshake's are.
    /// </summary>
    /// <returns>
    /// The plaintext the broker's answers carry (the server's first data), and the status that ended the session when
    /// one did (an alert, the server closed TCP mid-record); null when the session is between records, ready to export.
    /// </returns>
    public static async Task<(ReadOnlyMemory<byte> Plaintext, BrokerTlsResult? End)> CompleteAsync(
        Stream transport, EstablishedSession established, CancellationToken cancellationToken)
    {
        var records = established.ServerRecords;
        if (records.BytesToBoundary == 0)
        {
            return (ReadOnlyMemory<byte>.Empty, null);
        }

        var call = established.Call;
        var plaintext = new ArrayBufferWriter<byte>();
        while (records.BytesToBoundary > 0)
        {
            var (rest, endOfStream) = await ReadToBoundaryAsync(transport, records, established.MaxPayloadBytes, cancellationToken);
            var response = await call.ExchangeAsync(new ConnectRequest { Received = new Received { Data = rest, Eof = endOfStream } }, cancellationToken);
            plaintext.Write(response.Plaintext.Span);
            if (response.Error is not (SslError.None or SslError.WantRead))
            {
                return (plaintext.WrittenMemory, BrokerTlsResult.From(response));
            }

            if (endOfStream)
            {
                throw new IOException("the broker kept the session open after the server closed TCP");
            }
        }

        return (plaintext.WrittenMemory, null);
    }

    /// <summary>
    /// Up to the next record boundary (the header's rest, then the body it announces) or <paramref name="limit"/>
    /// bytes, whichever comes first: the bytes after the boundary stay on the transport, for the exported record
    /// layer. Shorter when the transport ends first, which <c>EndOfStream</c> then says.
    /// </summary>
    private static async Task<(ByteString Data, bool EndOfStream)> ReadToBoundaryAsync(
        Stream transport, RecordBoundaryTracker records, int limit, CancellationToken cancellationToken)
    {
        var rest = new ArrayBufferWriter<byte>(records.BytesToBoundary);
        while (records.BytesToBoundary > 0 && rest.WrittenCount < limit)
        {
            var wanted = Math.Min(records.BytesToBoundary, limit - rest.WrittenCount);
            var into = rest.GetMemory(wanted)[..wanted];
            var read = await transport.ReadAsync(into, cancellationToken);
            if (read == 0)
            {
                return (ByteString.CopyFrom(rest.WrittenSpan), true);
            }

            records.Consume(into.Span[..read]);
            rest.Advance(read);
        }

        return (ByteString.CopyFrom(rest.WrittenSpan), false);
    }
}
