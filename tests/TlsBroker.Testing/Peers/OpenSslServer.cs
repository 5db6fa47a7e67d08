using TlsBroker.Testing.Pki;

namespace TlsBroker.Testing.Peers;

/// <summary>
/// <c>openssl s_server</c> on 127.0.0.1 serving a <see cref="TestChain"/>. With no extra
/// arguments it speaks TLS 1.2 and 1.3 and, with <c>-rev</c>, answers each line reversed.
/// </summary>
public sealed class OpenSslServer : IAsyncDisposable
{
    private readonly PeerProcess process;

    private OpenSslServer(PeerProcess process, int port)
    {
        this.process = process;
        Port = port;
    }

    public int Port { get; }

    public string Output => process.Output;

    /// <summary>Starts s_server with the chain's certificate and key plus <paramref name="extraArguments"/> (e.g. "-tls1_2", "-alpn", "h2").</summary>
    public static async Task<OpenSslServer> StartAsync(TestChain chain, params string[] extraArguments)
    {
        var port = PeerProcess.FreePort();

        // -cert loads only the first certificate of a file; -cert_chain gives the ones sent after it.
        var intermediatePath = chain.WriteFile("intermediate.pem", chain.Intermediate.CertificatePem);
        string[] arguments =
        [
            "s_server", "-accept", $"127.0.0.1:{port}", "-cert", chain.ChainPath, "-cert_chain", intermediatePath, "-key", chain.KeyPath,
            .. extraArguments,
        ];
        var process = await PeerProcess.StartAsync("openssl", arguments, port, readyMarker: "ACCEPT");
        return new OpenSslServer(process, port);
    }

    public ValueTask DisposeAsync() => process.DisposeAsync();
}
