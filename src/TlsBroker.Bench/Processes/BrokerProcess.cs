using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using TlsBroker.Core.Crypto;

namespace TlsBroker.Bench.Processes;

/// <summary>
/// A broker the bench starts for itself: <c>dotnet TlsBroker.Server.dll</c> from the CLI's own
/// folder, on a free port of 127.0.0.1, configured on the command line with one policy per TLS
/// version (see <see cref="BenchTlsVersions.BrokerPolicy"/>) that trusts the target's anchors,
/// and its admin port (/metrics) on a free port too. Logging is lowered to warnings so that
/// per-session log lines do not load the console; the start-up line that gives both ports stays.
/// </summary>
internal sealed partial class BrokerProcess : IAsyncDisposable
{
    public const string ServerDll = "TlsBroker.Server.dll";

    /// <summary>The log category of the broker's start-up lines.</summary>
    private const string StartupLogCategory = "TlsBroker.Server.Hosting.BrokerStartup";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The broker's gen0 budget as deploy/Dockerfile sets it (16 MiB), so that the bench measures
    /// the broker as it is deployed. The runtime reads this setting only from the environment.
    /// </summary>
    private const string Gen0BudgetVariable = "DOTNET_GCgen0size";

    private const string Gen0Budget = "0x1000000";

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

    /// <param name="trustAnchors">"system" or a PEM path, for every bench policy.</param>
    /// <param name="maxSessions">Sessions the broker must accept at once (the largest idle measurement).</param>
    /// <param name="variants">One set of policies per variant, the base variant included.</param>
    /// <param name="cryptoProvider">The broker's Broker:CryptoProvider.</param>
    public static async Task<BrokerProcess> StartAsync(
        string trustAnchors, int maxSessions, IEnumerable<BenchVariant> variants, TlsCryptoProvider cryptoProvider, CancellationToken cancellationToken)
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
            $"--Logging:LogLevel:{StartupLogCategory}=Information",
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

        // A resumption key made up for this run, so that the broker issues resumption tokens. It
        // travels in the environment rather than on the command line, where other users could read it.
        var environment = new Dictionary<string, string>
        {
            ["Broker__Resumption__Keys__0__Id"] = "bench",
            ["Broker__Resumption__Keys__0__Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            [Gen0BudgetVariable] = Gen0Budget,
        };
        var (child, ready) = await ChildProcess.StartAsync(
            "the broker", DotnetHost.Sibling(ServerDll), arguments, environment, ListeningLine(), StartTimeout, cancellationToken);
        return new BrokerProcess(child, new Uri(ready.Groups[1].Value), new Uri(ready.Groups[2].Value));
    }

    public ValueTask DisposeAsync() => child.DisposeAsync();

    /// <summary>The broker's start-up line (event 7, Listening): "TlsBroker listening on http://127.0.0.1:PORT/ (gRPC, h2c), admin http://127.0.0.1:PORT/ (...".</summary>
    [GeneratedRegex(@"TlsBroker listening on (http://\S+) \(gRPC, h2c\), admin (http://\S+) ")]
    private static partial Regex ListeningLine();
}
