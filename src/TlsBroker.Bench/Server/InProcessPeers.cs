namespace TlsBroker.Bench.Server;

/// <summary>
/// bench-server's connection handling inside the bench, over <see cref="InMemoryConnection"/>s, for an idle
/// phase that holds more sessions than the open-file limit allows TCP connections (each session over TCP
/// costs a descriptor in the bench and one in bench-server). The broker sees the same sessions either way:
/// its side of a session is a gRPC stream, whatever carries the TLS bytes. The chain is its own; its root
/// joins the trust anchors the broker is given.
/// </summary>
internal sealed class InProcessPeers : IAsyncDisposable
{
    private readonly BenchCertificateChain chain = BenchCertificateChain.Create();
    private readonly CancellationTokenSource stopping = new();
    private readonly BenchConnectionServer server;

    public InProcessPeers() => server = new BenchConnectionServer(chain, stopping.Token);

    /// <summary>The root of the peers' chain, as PEM, for the trust anchors.</summary>
    public string RootPem => chain.Root.ExportCertificatePem();

    /// <summary>A new connection to a peer, which serves it until the client end is disposed.</summary>
    public Stream Connect()
    {
        var (client, peer) = InMemoryConnection.CreatePair();
        _ = Task.Run(() => server.ServeAsync(peer));
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        stopping.Dispose();
        chain.Dispose();
    }
}
