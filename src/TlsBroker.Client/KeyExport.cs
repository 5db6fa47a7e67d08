using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Google.Protobuf;
using TlsBroker.Client.RecordLayer;
using TlsBroker.Contracts.V1;

namespace TlsBroker.Client;

/// <summary>
/// The step after the handshake that takes the session's keys from the broker
/// (<see cref="BrokerTlsClientOptions.ExportKeysAfterHandshake"/>) and moves the data path to the stream's own record layer.
/// </summary>
internal static class KeyExport
{
    /// <summary>
    /// Asks the broker for the session's keys and builds the record layer from them; the broker's call then ends, and
    /// the keys' copies in the response are zeroed. A refusal (PERMISSION_DENIED, FAILED_PRECONDITION) ends the call.
    /// The rest of a record the handshake's last read ended inside goes to the broker first (<see cref="PartialRecord"/>);
    /// when that record ended the session (an alert, the server closed TCP), there is nothing to export, and the data
    /// stays on the broker's path, whose reads deliver the data and then the end.
    /// </summary>
    /// <returns>The plaintext the rest of the record carried, which follows the handshake's; and the data path.</returns>
    public static async Task<(ReadOnlyMemory<byte> Plaintext, IDataPath Path)> TakeKeysAsync(
        Stream transport, EstablishedSession established, CancellationToken cancellationToken)
    {
        ExportedKeys? keys = null;
        ExportedRecordLayer? layer = null;
        try
        {
            var (plaintext, end) = await PartialRecord.CompleteAsync(transport, established, cancellationToken);
            if (end is not null)
            {
                return (plaintext, new BrokerDataPath(transport, established, end));
            }

            var response = await established.Call.ExchangeAsync(new ConnectRequest { ExportKeys = new ExportKeys() }, cancellationToken);
            keys = response.ExportedKeys ?? throw new IOException("the broker answered the key export without keys");
            layer = new ExportedRecordLayer(transport, keys);
            await established.Call.CompleteAsync(cancellationToken);
            return (plaintext, new ExportedDataPath(layer, established.Call));
        }
        catch
        {
            // Completing the call may fail or run out of time after the layer took the keys: they are zeroed here then.
            layer?.Dispose();
            await established.Call.DisposeAsync();
            throw;
        }
        finally
        {
            if (keys is not null)
            {
                ByteString[] secrets = [keys.ClientTrafficSecret, keys.ServerTrafficSecret, keys.ClientWriteKey, keys.ServerWriteKey, keys.ClientWriteIv, keys.ServerWriteIv];
                foreach (var secret in secrets)
                {
                    CryptographicOperations.ZeroMemory(MemoryMarshal.AsMemory(secret.Memory).Span);
                }
            }
        }
    }
}
