using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using TlsBroker.Core.Crypto;

namespace TlsBroker.Bench.Processes;

/// <summary>
/// A broker the bench starts for itself: <c>dotnet TlsBroker.Server.dll</c> from the CLI's own
/// folder, on a free port of 127.0.0.1, configured on the command line with one policy per TLS
/// version (see <see cref="BenchTlsVersions.BrokerPolicy"/>) that trusts the target's anchors, one
/// more per version that also grants key export (<see cref="BenchTlsVersions.ExportPolicy"/>), and
/// its admin port (/metrics) on a free port too. Both bound addresses come from the broker's ready
/// file (<c>--ready-file</c>, documented in README), never from its log, which is lowered to
/// warnings so that per-session log lines do not load the console.
/// </summary>
internal sealed class BrokerProcess : IAsyncDisposable
{
    public const string ServerDll = "TlsBroker.Server.dll";

    /// <summary>The broker's option naming the file it writes, as JSON, once it serves: {"grpc": URL, "admin": URL or null, "pid": N}.</summary>
    private const string ReadyFileOption = "--ready-file";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How often the bench looks for the ready file while the broker starts (a start takes a second or more).</summary>
    private static readonly TimeSpan ReadyFilePoll = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// The broker's gen0 budget as deploy/Dockerfile sets it (16 MiB), so that the bench measures
    /// the broker as it is deployed. The runtime reads this setting only from the environment.
    /// </summary>
    private const string Gen0BudgetVariable = "DOTNET_GCgen0size";

    private const string Gen0Budget = "0x1000000";

    /// <summary>
    /// The name the broker gives every caller when no Broker:Callers are configured, as this broker has none; its
    /// start-up validation takes no other name in KeyExport:Callers then, so the bench needs no API key.
    /// </summary>
    private const string AnonymousCaller = "anonymous";

    private readonly ChildProcess child;

    private BrokerProcess(ChildProcess child, Uri address, Uri adminAddress)
    {
        this.child = child;
        Address = address;
        AdminAddress = adminAddress;
    }

    /// <summary>The gRPC (h2c) address.</summary>
    public Uri Address { get; }

    /// <summary>The admin (HTTP/1.1) address serving /metrics.</summary>
    public Uri AdminAddress { get; }

    public Process Process => child.Process;

    /// <param name="readyFile">Where the broker writes its ready file (a path in the bench's temporary folder).</param>
    /// <param name="trustAnchors">"system" or a PEM path, for every bench policy.</param>
    /// <param name="maxSessions">Sessions the broker must accept at once (the largest idle measurement).</param>
    /// <param name="variants">One set of policies per variant, the base variant included.</param>
    /// <param name="cryptoProvider">The broker's Broker:CryptoProvider.</param>
    public static async Task<BrokerProcess> StartAsync(
        string readyFile, string trustAnchors, int maxSessions, IEnumerable<BenchVariant> variants, TlsCryptoProvider cryptoProvider, CancellationToken cancellationToken)
    {
        var arguments = new List<string>
        {
            "--Broker:ListenAddress=127.0.0.1",
            "--Broker:Port=0",
            "--Broker:AdminPort=0",
            string.Create(CultureInfo.InvariantCulture, $"--Broker:MaxConcurrentSessions={maxSessions}"),
            "--Broker:IdleTimeout=00:30:00",
            $"--Broker:CryptoProvider={cryptoProvider}",
            "--Logging:LogLevel:Default=Warning",
            ReadyFileOption,
            readyFile,
        };
        foreach (var variant in variants)
        {
            foreach (var version in Enum.GetValues<BenchTlsVersion>())
            {
                var policy = "--Broker:Policies:" + variant.BrokerPolicy(version);
                arguments.Add($"{policy}:MinVersion={version.Label()}");
                arguments.Add($"{policy}:MaxVersion={version.Label()}");
                arguments.Add($"{policy}:TrustAnchors={trustAnchors}");
                arguments.AddRange(variant.PolicySettings.Select(setting => $"{policy}:{setting.Key}={setting.Value}"));
            }
        }

        foreach (var version in Enum.GetValues<BenchTlsVersion>())
        {
            var policy = "--Broker:Policies:" + version.ExportPolicy();
            arguments.Add($"{policy}:MinVersion={version.Label()}");
            arguments.Add($"{policy}:MaxVersion={version.Label()}");
            arguments.Add($"{policy}:TrustAnchors={trustAnchors}");
            arguments.Add($"{policy}:KeyExport:Allowed=true");
            arguments.Add($"{policy}:KeyExport:Callers:0={AnonymousCaller}");
        }

        // A resumption key made up for this run, so that the broker issues resumption tokens. It
        // travels in the environment rather than on the command line, where other users could read it.
        var environment = new Dictionary<string, string>
        {
            ["Broker__Resumption__Keys__0__Id"] = "bench",
            ["Broker__Resumption__Keys__0__Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            [Gen0BudgetVariable] = Gen0Budget,
        };
        var (child, ready) = await ChildProcess.StartAsync(
            "the broker", DotnetHost.Sibling(ServerDll), arguments, environment, token => ReadReadyFileAsync(readyFile, token), StartTimeout, cancellationToken);
        return new BrokerProcess(child, ready.Grpc, ready.Admin);
    }

    public ValueTask DisposeAsync() => child.DisposeAsync();

    /// <summary>
    /// Waits for the ready file. The broker writes it under another name and renames it into
    /// place, so a file that exists is complete.
    /// </summary>
    private static async Task<(Uri Grpc, Uri Admin)> ReadReadyFileAsync(string path, CancellationToken cancellationToken)
    {
        while (!File.Exists(path))
        {
            await Task.Delay(ReadyFilePoll, cancellationToken);
        }

        var text = await File.ReadAllTextAsync(path, cancellationToken);
        try
        {
            using var ready = JsonDocument.Parse(text);
            var grpc = ready.RootElement.GetProperty("grpc").GetString();
            var admin = ready.RootElement.GetProperty("admin").GetString();
            if (Uri.TryCreate(grpc, UriKind.Absolute, out var grpcUri) && Uri.TryCreate(admin, UriKind.Absolute, out var adminUri))
            {
                return (grpcUri, adminUri);
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new ChildProcessException($"the broker's ready file {path} is not what README documents: {e.Message}: {text}", e);
        }

        throw new ChildProcessException($"the broker's ready file {path} names no gRPC or no admin address: {text}");
    }
}
