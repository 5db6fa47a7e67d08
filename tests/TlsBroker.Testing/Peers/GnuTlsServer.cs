using TlsBroker.Testing.Pki;

namespace TlsBroker.Testing.Peers;

/// <summary>
/// <c>gnutls-serv --echo</c> serving a <see cref="TestChain"/>; <c>--priority</c> picks the versions.
/// gnutls-serv has no option to bind one address, so it listens on every interface; tests only
/// ever connect to it through 127.0.0.1.
/// </summary>
public sealed class GnuTlsServer : IAsyncDisposable
{
    private readonly PeerProcess process;

    private GnuTlsServer(PeerProcess process, int port)
    {
        this.process = process;
        Port = port;
    }

    public int Port { get; }

    public string Output => process.Output;

    /// <summary>Waits until gnutls-serv has printed <paramref name="line"/> <paramref name="count"/> times (e.g. "*** This is a resumed session").</summary>
    public Task WaitForLinesAsync(string line, int count) => process.WaitForLinesAsync(line, count);

    /// <summary>Starts an echo server with <paramref name="priority"/> (e.g. "NORMAL:-VERS-ALL:+VERS-TLS1.3") plus <paramref name="extraArguments"/>.</summary>
    public static async Task<GnuTlsServer> StartAsync(TestChain chain, string priority, params string[] extraArguments)
    {
        var (process, port) = await PeerProcess.StartOnFreePortAsync("gnutls-serv", port =>
        [
            "--echo", "--disable-client-cert", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--x509certfile", chain.ChainPath, "--x509keyfile", chain.KeyPath, "--priority", priority,
            .. extraArguments,
        ]);
        return new GnuTlsServer(process, port);
    }

    public ValueTask DisposeAsync() => process.DisposeAsync();
}
