namespace TlsBroker.Bench.Paths;

/// <summary>An established TLS session on one path, as the phases use it: read, write, close.</summary>
internal interface IBenchConnection : IAsyncDisposable
{
    /// <returns>Plaintext bytes read; 0 when the server ended the session.</returns>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    ValueTask WriteAsync(ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken);

    /// <summary>Sends close_notify (SSL_shutdown) without waiting for the server's; disposing then closes TCP.</summary>
    ValueTask ShutdownAsync(CancellationToken cancellationToken);
}
