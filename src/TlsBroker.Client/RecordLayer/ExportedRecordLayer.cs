using TlsBroker.Contracts.V1;

namespace TlsBroker.Client.RecordLayer;

/// <summary>
/// The record layer of a session whose keys the broker exported: reads and writes application data directly on the
/// caller's connection, so that the broker is no longer on the data path. Answers what a client must after the
/// handshake (<see cref="RecordReader"/>). One reader and one writer may work at the same time: writes, including
/// those the reader makes, take turns (<see cref="RecordWriter"/>).
/// </summary>
internal sealed class ExportedRecordLayer : IDisposable
{
    private readonly SessionEnd end = new();
    private readonly RecordReader reader;
    private readonly RecordWriter writer;

    public ExportedRecordLayer(Stream transport, ExportedKeys keys)
    {
        var isChaCha = keys.CipherSuite.Contains("CHACHA20_POLY1305", StringComparison.Ordinal);
        var keyLength = isChaCha || keys.CipherSuite.Contains("AES_256", StringComparison.Ordinal) ? 32 : 16;
        if (!isChaCha && !keys.CipherSuite.Contains("_GCM_", StringComparison.Ordinal))
        {
            throw new NotSupportedException($"the exported suite {keys.CipherSuite} is not AES-GCM or ChaCha20-Poly1305");
        }

        if (keys.ProtocolVersion == "TLSv1.3")
        {
            var hash = Tls13KeySchedule.Hash(keys.Hash);
            var clientSecret = new Tls13TrafficSecret(hash, isChaCha, keyLength, keys.ClientTrafficSecret.ToByteArray());
            var serverSecret = new Tls13TrafficSecret(hash, isChaCha, keyLength, keys.ServerTrafficSecret.ToByteArray());
            writer = new RecordWriter(transport, clientSecret.Cipher((long)keys.WriteSequence), clientSecret, keys.KeyUpdateOwed, end);
            reader = new RecordReader(transport, serverSecret.Cipher((long)keys.ReadSequence), serverSecret, writer, end);
        }
        else
        {
            var writeCipher = new RecordCipher(false, isChaCha, keys.ClientWriteKey.ToByteArray(), keys.ClientWriteIv.ToByteArray(), (long)keys.WriteSequence);
            writer = new RecordWriter(transport, writeCipher, secret: null, keyUpdateOwed: false, end);
            var readCipher = new RecordCipher(false, isChaCha, keys.ServerWriteKey.ToByteArray(), keys.ServerWriteIv.ToByteArray(), (long)keys.ReadSequence);
            reader = new RecordReader(transport, readCipher, secret: null, writer, end);
        }
    }

    /// <summary>How the session ended (close_notify, EOF, a fatal alert or a record that failed); null while open.</summary>
    public BrokerTlsResult? End => end.Result;

    /// <summary>Sequence numbers of the next record to read and to write, for tests and diagnostics.</summary>
    public (long Read, long Write) Sequences => (reader.Sequence, writer.Sequence);

    /// <summary>Reads application data into <paramref name="buffer"/>: 0 after the server's close_notify.</summary>
    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) => reader.ReadAsync(buffer, cancellationToken);

    /// <summary>Encrypts <paramref name="data"/> into records of at most 2^14 bytes and writes them to the connection.</summary>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => writer.WriteAsync(data, cancellationToken);

    /// <summary>Sends close_notify (once); reads may go on until the server's.</summary>
    public Task ShutdownAsync(CancellationToken cancellationToken) => writer.ShutdownAsync(cancellationToken);

    public void Dispose()
    {
        reader.Dispose();
        writer.Dispose();
    }
}
