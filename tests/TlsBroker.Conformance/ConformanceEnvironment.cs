using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TlsBroker.Conformance.Peers;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Conformance;

/// <summary>
/// Everything tests/conformance/README.md promises a client: a CA and the peers' chains, two
/// brokers, the real TLS peers on 127.0.0.1, an address where nothing listens, and the
/// environment file naming them all. Disposing stops every process and deletes every file.
/// </summary>
internal sealed class ConformanceEnvironment : IAsyncDisposable
{
    public const string HelloBody = "hello through the broker\n";

    public const string Greeting = "bye without close_notify\n";

    public const int MaxMessageBytes = 256 * 1024;

    public const int BigSize = 64 * 1024 * 1024;

    private const string HelloName = "hello.txt";

    private const string BigName = "64m.bin";

    private const string WrongServerName = "wrong.example";

    /// <summary>The name in the wrongName peer's certificate: neither "localhost" nor <see cref="WrongServerName"/>.</summary>
    private const string WrongPeerCertificateName = "elsewhere.test";

    private readonly List<IAsyncDisposable> running = [];
    private readonly TestChain chain;

    private ConformanceEnvironment(string folder)
    {
        Folder = folder;
        EnvironmentPath = Path.Combine(folder, "environment.json");
        chain = TestChain.Create();
    }

    /// <summary>The run's own folder: the environment file and, unless told otherwise, the results file.</summary>
    public string Folder { get; }

    public string EnvironmentPath { get; }

    /// <summary>Starts everything at once; on any failure stops what did start and throws with the reason.</summary>
    public static async Task<ConformanceEnvironment> StartAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "tlsbroker-conformance-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        var environment = new ConformanceEnvironment(folder);
        try
        {
            await environment.StartEverythingAsync();
            return environment;
        }
        catch
        {
            await environment.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // All at once: killing a process tree takes a few hundred milliseconds on a busy machine.
        await Task.WhenAll(running.Select(StopAsync));
        running.Clear();
        chain.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A child may still hold a file open while it exits; the OS temp cleaner takes the rest.
        }
    }

    private static async Task StopAsync(IAsyncDisposable item)
    {
        try
        {
            await item.DisposeAsync();
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            // Stopping the rest matters more than this one's complaint; the OS reaps what is left.
        }
    }

    private static Dictionary<string, string> BrokerConfiguration(string caFile, string resumptionKey) => new(StringComparer.Ordinal)
    {
        ["Broker__Policies__default__TrustAnchors"] = caFile,
        ["Broker__Policies__tls13-only__TrustAnchors"] = caFile,
        ["Broker__Policies__tls13-only__MinVersion"] = "1.3",
        ["Broker__Resumption__Keys__0__Id"] = "conformance",
        ["Broker__Resumption__Keys__0__Key"] = resumptionKey,
        ["Broker__MaxMessageBytes"] = MaxMessageBytes.ToString(CultureInfo.InvariantCulture),
    };

    private static SslStreamCertificateContext ServerCertificate(TestChain chain)
    {
        // Through PKCS#12, so the key is a stored one the TLS stack can use however it needs to.
        using var withKey = chain.Leaf.PrivateKey switch
        {
            ECDsa ec => chain.Leaf.Certificate.CopyWithPrivateKey(ec),
            RSA rsa => chain.Leaf.Certificate.CopyWithPrivateKey(rsa),
            _ => throw new InvalidOperationException("unsupported key"),
        };
        var leaf = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), password: null);
        return SslStreamCertificateContext.Create(leaf, [chain.Intermediate.Certificate], offline: true);
    }

    private static JsonObject Peer(int port, string serverName = "localhost") => new()
    {
        ["host"] = "127.0.0.1",
        ["port"] = port,
        ["serverName"] = serverName,
    };

    private static JsonObject Broker(Uri address) => new()
    {
        ["target"] = $"{address.Host}:{address.Port}",
        ["url"] = $"http://{address.Host}:{address.Port}",
    };

    private async Task StartEverythingAsync()
    {
        var resumptionKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var brokerConfiguration = BrokerConfiguration(chain.RootPath, resumptionKey);
        var broker = Track(BrokerInstance.StartAsync(brokerConfiguration));
        var doomed = Track(BrokerInstance.StartAsync(brokerConfiguration));

        var intermediatePath = chain.WriteFile("intermediate.pem", chain.Intermediate.CertificatePem);
        var (wrongCertificatePath, wrongKeyPath) = WriteWrongNameCertificate();
        var certificate = ServerCertificate(chain);
        var big = new byte[BigSize];
        RandomNumberGenerator.Fill(big);
        var bigSha256 = Convert.ToHexStringLower(SHA256.HashData(big));
        var nginx = Track(NginxServer.StartAsync(chain, new Dictionary<string, byte[]>
        {
            [HelloName] = Encoding.UTF8.GetBytes(HelloBody),
            [BigName] = big,
        }));
        var echo = Track(Task.FromResult(DotNetTlsPeer.Echo(certificate)));
        var tls12Only = Track(OpenSslServer.StartAsync(chain.ChainPath, chain.KeyPath, "-cert_chain", intermediatePath, "-tls1_2"));
        var wrongName = Track(OpenSslServer.StartAsync(wrongCertificatePath, wrongKeyPath, "-cert_chain", intermediatePath));
        var sink = Track(Task.FromResult(DotNetTlsPeer.Sink(certificate)));
        var closeWithoutNotify = Track(Task.FromResult(DotNetTlsPeer.ClosingWithoutNotify(certificate, Greeting)));
        var silent = Track(Task.FromResult(ScriptedTcpPeer.Silent()));
        var unreachable = Track(Task.FromResult(ClosedPort.Reserve()));

        await Task.WhenAll(broker, doomed, nginx, echo, tls12Only, wrongName, sink, closeWithoutNotify, silent, unreachable);
        var unreachablePort = (await unreachable).Port;

        var doomedBroker = Broker((await doomed).Address);
        doomedBroker["pid"] = (await doomed).ProcessId;
        var brokerEntry = Broker((await broker).Address);
        brokerEntry["maxMessageBytes"] = MaxMessageBytes;
        brokerEntry["pid"] = (await broker).ProcessId;
        var nginxEntry = Peer((await nginx).Port);
        nginxEntry["pid"] = (await nginx).ProcessId;
        nginxEntry["offerAlpn"] = new JsonArray("h2", "http/1.1");
        nginxEntry["expectAlpn"] = "http/1.1";
        nginxEntry["expectVersion"] = "TLSv1.3";
        nginxEntry["helloPath"] = "/" + HelloName;
        nginxEntry["helloBody"] = HelloBody;
        nginxEntry["bigPath"] = "/" + BigName;
        nginxEntry["bigSize"] = BigSize;
        nginxEntry["bigSha256"] = bigSha256;
        var tls12OnlyEntry = Peer((await tls12Only).Port);
        tls12OnlyEntry["pid"] = (await tls12Only).ProcessId;
        tls12OnlyEntry["expectAlert"] = 70;
        tls12OnlyEntry["expectAlertName"] = "protocol_version";
        var wrongNameEntry = Peer((await wrongName).Port, WrongServerName);
        wrongNameEntry["pid"] = (await wrongName).ProcessId;
        wrongNameEntry["expectVerifyCode"] = 62;
        wrongNameEntry["expectVerifyName"] = "X509_V_ERR_HOSTNAME_MISMATCH";
        var closeWithoutNotifyEntry = Peer((await closeWithoutNotify).Port);
        closeWithoutNotifyEntry["greeting"] = Greeting;

        var document = new JsonObject
        {
            ["broker"] = brokerEntry,
            ["doomedBroker"] = doomedBroker,
            ["unreachableBroker"] = Broker(new Uri($"http://127.0.0.1:{unreachablePort}")),
            ["caFile"] = chain.RootPath,
            ["policies"] = new JsonObject { ["default"] = "default", ["tls13Only"] = "tls13-only", ["unknown"] = "no-such-policy" },
            ["peers"] = new JsonObject
            {
                ["nginx"] = nginxEntry,
                ["echo"] = Peer((await echo).Port),
                ["sink"] = Peer((await sink).Port),
                ["tls12Only"] = tls12OnlyEntry,
                ["wrongName"] = wrongNameEntry,
                ["closeWithoutNotify"] = closeWithoutNotifyEntry,
                ["silent"] = Peer((await silent).Port),
            },
        };
        await File.WriteAllTextAsync(EnvironmentPath, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>A leaf for <see cref="WrongPeerCertificateName"/> under the same CA: it verifies, but names another host.</summary>
    private (string CertificatePath, string KeyPath) WriteWrongNameCertificate()
    {
        using var leaf = TestPki.Issue(CertificateSpec.Server(WrongPeerCertificateName), chain.Intermediate);
        return (chain.WriteFile("wrong-name.pem", leaf.CertificatePem), chain.WriteFile("wrong-name-key.pem", leaf.PrivateKeyPem));
    }

    /// <summary>Remembers what <paramref name="start"/> starts as soon as it has, so that a failing sibling still gets it stopped.</summary>
    private async Task<T> Track<T>(Task<T> start)
        where T : IAsyncDisposable
    {
        var started = await start;
        lock (running)
        {
            running.Add(started);
        }

        return started;
    }
}
