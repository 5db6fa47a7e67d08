using TlsBroker.Testing.Pki;

namespace TlsBroker.Testing.Peers;

/// <summary>
/// <c>openssl s_server</c> on 127.0.0.1 serving a <see cref="TestChain"/>. With no extra
/// arguments it speaks TLS 1.2 and 1.3 and, with <c>-rev</c>, answers each line reversed.
/// </summary>
public sealed class OpenSslServer : IAsyncDisposable
{
    private const string ReusedMarker = "Reused session-id";

    private readonly PeerProcess process;

    private OpenSslServer(PeerProcess process, int port)
    {
        this.process = process;
        Port = port;
    }

    public int Port { get; }

    public int ProcessId => process.ProcessId;

    public string Output => process.Output;

    /// <summary>How many connections s_server resumed: it prints "Reused session-id" for each (apps/s_server.c).</summary>
    public int ReusedSessions => process.CountLines(ReusedMarker);

    /// <summary>Waits until s_server has reported <paramref name="count"/> resumed connections.</summary>
    public Task WaitForReusedSessionsAsync(int count) => process.WaitForLinesAsync(ReusedMarker, count);

    /// <summary>Waits until s_server has printed <paramref name="line"/> as a whole line (e.g. "Client certificate" once it has seen one).</summary>
    public Task WaitForLineAsync(string line) => process.WaitForLinesAsync(line, 1);

    /// <summary>Waits until a line s_server printed contains <paramref name="fragment"/> (e.g. an error it reports after sending its alert).</summary>
    public Task WaitForOutputAsync(string fragment) => process.WaitForOutputAsync(fragment);

    /// <summary>
    /// Types <paramref name="line"/> on s_server's console: without -rev, a line goes to the client as data and a
    /// command line ("k", "K": a TLS 1.3 KeyUpdate, without or with update_requested; s_server(1) "CONNECTED COMMANDS")
    /// is acted on. s_server reads its console in whatever pieces arrive, so a command must be alone in its read:
    /// wait for its effect before typing the next line. A data line must not start with a command letter.
    /// </summary>
    public async Task TypeAsync(string line)
    {
        await process.StandardInput.WriteAsync(line + "\n");
        await process.StandardInput.FlushAsync();
    }

    /// <summary>
    /// Starts s_server sending the chain's server certificate and intermediate, with its key, plus
    /// <paramref name="extraArguments"/> (e.g. "-tls1_2", "-alpn", "h2").
    /// </summary>
    public static Task<OpenSslServer> StartAsync(TestChain chain, params string[] extraArguments)
    {
        // -cert loads only the first certificate of a file; -cert_chain gives the ones sent after it.
        var intermediatePath = chain.WriteFile("intermediate.pem", chain.Intermediate.CertificatePem);
        return StartAsync(chain.ChainPath, chain.KeyPath, ["-cert_chain", intermediatePath, .. extraArguments]);
    }

    /// <summary>
    /// Starts s_server with the certificate in <paramref name="certificatePath"/> and the key in
    /// <paramref name="keyPath"/>. s_server sends only the first certificate of that file; give the
    /// certificates to send after it with "-cert_chain" in <paramref name="extraArguments"/>.
    /// </summary>
    public static async Task<OpenSslServer> StartAsync(string certificatePath, string keyPath, params string[] extraArguments)
    {
        var (process, port) = await PeerProcess.StartOnFreePortAsync(
            "openssl", port => ["s_server", "-accept", $"127.0.0.1:{port}", "-cert", certificatePath, "-key", keyPath, .. extraArguments], readyMarker: "ACCEPT");
        return new OpenSslServer(process, port);
    }

    public ValueTask DisposeAsync() => process.DisposeAsync();
}
