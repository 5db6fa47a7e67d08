namespace TlsBroker.Client;

/// <summary>
/// Where a <see cref="BrokerTlsStream"/>'s application data goes once the handshake is done: through the broker
/// (<see cref="BrokerDataPath"/>), or through the stream's own record layer after a key export
/// (<see cref="ExportedDataPath"/>). Disposing sends close_notify if the session is still open, without throwing,
/// and ends the broker call.
/// </summary>
internal interface IDataPath : IAsyncDisposable
{
    /// <summary>The status that ended the session (close_notify, EOF or an error); null while it is open.</summary>
    BrokerTlsResult? End { get; }

    /// <summary>Reads decrypted application data: 0 after the server's close_notify.</summary>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Takes <paramref name="buffer"/> to be encrypted and sent.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Waits until every write so far is on the transport, and throws if one was refused.</summary>
    Task FlushAsync(CancellationToken cancellationToken);

    /// <summary>Sends close_notify (once) and stops writing; reads may go on until the server closes.</summary>
    Task ShutdownAsync(CancellationToken cancellationToken);
}
