namespace TlsBroker.Bench.Paths;

/// <summary>A session that is a <see cref="Stream"/> (SslStream, BrokerTlsStream) plus its own close_notify call.</summary>
internal sealed class StreamConnection : IBenchConnection
{
    private readonly Stream tls;
    private readonly Func<CancellationToken, Task> shutdown;

    public StreamConnection(Stream tls, Func<CancellationToken, Task> shutdown)
    {
        this.tls = tls;
        this.shutdown = shutdown;
    }

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) => tls.ReadAsync(buffer, cancellationToken);

    public ValueTask WriteAsync(ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken) => tls.WriteAsync(plaintext, cancellationToken);

    public ValueTask ShutdownAsync(CancellationToken cancellationToken) => new(shutdown(cancellationToken));

    public ValueTask DisposeAsync() => tls.DisposeAsync();
}
