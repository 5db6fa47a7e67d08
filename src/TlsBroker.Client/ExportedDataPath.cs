using TlsBroker.Client.RecordLayer;

namespace TlsBroker.Client;

/// <summary>The data path after a key export: the stream's own record layer, with the broker's call already completed.</summary>
internal sealed class ExportedDataPath(ExportedRecordLayer layer, PipelinedBrokerCall call) : IDataPath
{
    private bool shutdownSent;

    public BrokerTlsResult? End => layer.End;

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) => layer.ReadAsync(buffer, cancellationToken);

    public ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken) => layer.WriteAsync(buffer, cancellationToken);

    /// <summary>Nothing to wait for: each write is on the transport when it returns.</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        if (shutdownSent || End is not null)
        {
            return;
        }

        shutdownSent = true;
        await layer.ShutdownAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!shutdownSent && layer.End is null)
            {
                shutdownSent = true;
                await layer.ShutdownAsync(CancellationToken.None).WaitAsync(call.Timeout);
            }
        }
        catch (Exception e) when (e is IOException or TimeoutException or ObjectDisposedException or OperationCanceledException)
        {
            // Dispose must not throw: a connection already gone leaves nothing to close politely. ShutdownAsync reports such failures.
        }
        finally
        {
            layer.Dispose();
        }

        await call.DisposeAsync();
    }
}
