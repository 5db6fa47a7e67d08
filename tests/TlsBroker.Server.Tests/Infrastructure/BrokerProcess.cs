using System.Text.RegularExpressions;
using TlsBroker.Testing.Peers;

namespace TlsBroker.Server.Tests.Infrastructure;

/// <summary>
/// The built broker run as its own process (<c>dotnet TlsBroker.Server.dll</c>), configured the
/// way README says: environment variables and arguments. Both ports are free ones it picks
/// itself (0), read back from its "listening" log line. Process-wide figures such as its meters
/// and GC heap are then its own, not shared with the brokers other tests run in this process.
/// </summary>
internal sealed partial class BrokerProcess : IAsyncDisposable
{
    private const string ReadyMarker = "TlsBroker listening on";

    private readonly PeerProcess process;

    private BrokerProcess(PeerProcess process, Uri address, Uri adminAddress)
    {
        this.process = process;
        Address = address;
        AdminAddress = adminAddress;
    }

    /// <summary>The gRPC (h2c) address.</summary>
    public Uri Address { get; }

    /// <summary>The HTTP/1.1 admin address: /metrics, /healthz.</summary>
    public Uri AdminAddress { get; }

    /// <summary>What the broker logged so far, for failure messages.</summary>
    public string Output => process.Output;

    /// <param name="environment">NAME=value pairs, e.g. Broker__Policies__default__TrustAnchors=/path.</param>
    public static async Task<BrokerProcess> StartAsync(IEnumerable<string> environment)
    {
        var serverDll = typeof(BrokerApp).Assembly.Location;
        string[] arguments = [.. environment, "dotnet", serverDll, "--Broker:Port=0", "--Broker:AdminPort=0"];
        var process = await PeerProcess.StartAsync("env", arguments, port: 0, readyMarker: ReadyMarker);
        var match = ListeningLine().Match(process.Output);
        if (!match.Success)
        {
            await process.DisposeAsync();
            throw new InvalidOperationException($"the broker's listening line names no addresses:\n{process.Output}");
        }

        return new BrokerProcess(process, new Uri(match.Groups["grpc"].Value), new Uri(match.Groups["admin"].Value));
    }

    public ValueTask DisposeAsync() => process.DisposeAsync();

    [GeneratedRegex(@"listening on (?<grpc>http://\S+) \(gRPC, h2c\), admin (?<admin>http://\S+) ")]
    private static partial Regex ListeningLine();
}
