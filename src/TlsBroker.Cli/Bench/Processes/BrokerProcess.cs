using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace TlsBroker.Cli.Bench.Processes;

/// <summary>
/// A broker the bench starts for itself: <c>dotnet TlsBroker.Server.dll</c> from the CLI's own
/// folder, on a free port of 127.0.0.1, configured on the command line with one policy per TLS
/// version (see <see cref="BenchTlsVersions.BrokerPolicy"/>) that trusts the target's anchors.
/// Logging is lowered to warnings so that per-session log lines do not load the console; the
/// start-up line that gives the port stays.
/// </summary>
internal sealed partial class BrokerProcess : IAsyncDisposable
{
    public const string ServerDll = "TlsBroker.Server.dll";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly ChildProcess child;

    private BrokerProcess(ChildProcess child, Uri address)
    {
        this.child = child;
        Address = address;
    }

    public Uri Address { get; }

    public Process Process => child.Process;

    /// <param name="trustAnchors">"system" or a PEM path, for every bench policy.</param>
    /// <param name="maxSessions">Sessions the broker must accept at once (the largest idle measurement).</param>
    public static async Task<BrokerProcess> StartAsync(string trustAnchors, int maxSessions, CancellationToken cancellationToken)
    {
        var arguments = new List<string>
        {
            "--Broker:ListenAddress=127.0.0.1",
            "--Broker:Port=0",
            string.Create(CultureInfo.InvariantCulture, $"--Broker:MaxConcurrentSessions={maxSessions}"),
            "--Broker:IdleTimeout=00:30:00",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
        };
        foreach (var version in Enum.GetValues<BenchTlsVersion>())
        {
            var policy = "--Broker:Policies:" + version.BrokerPolicy();
            arguments.Add($"{policy}:MinVersion={version.Label()}");
            arguments.Add($"{policy}:MaxVersion={version.Label()}");
            arguments.Add($"{policy}:TrustAnchors={trustAnchors}");
        }

        var (child, ready) = await ChildProcess.StartAsync(
            "the broker", DotnetHost.Sibling(ServerDll), arguments, ListeningLine(), StartTimeout, cancellationToken);
        return new BrokerProcess(child, new Uri(ready.Groups[1].Value));
    }

    public ValueTask DisposeAsync() => child.DisposeAsync();

    /// <summary>ASP.NET Core's start-up line (category Microsoft.Hosting.Lifetime): "Now listening on: http://127.0.0.1:PORT".</summary>
    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
