using System.Text.RegularExpressions;
using TlsBroker.Testing;
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

    /// <summary>The built broker's entry assembly, to run with <c>dotnet</c>.</summary>
    public static string ServerDll => typeof(BrokerApp).Assembly.Location;

    /// <param name="environment">NAME=value pairs, e.g. Broker__Policies__default__TrustAnchors=/path.</param>
    /// <param name="arguments">More command-line arguments, e.g. "--config", "/path/broker.json".</param>
    public static async Task<BrokerProcess> StartAsync(IEnumerable<string> environment, params string[] arguments)
    {
        string[] command = [.. environment, "dotnet", ServerDll, "--Broker:Port=0", "--Broker:AdminPort=0", .. arguments];
        var process = await PeerProcess.StartAsync("env", command, port: 0, readyMarker: ReadyMarker);
        var match = ListeningLine().Match(process.Output);
        if (!match.Success)
        {
            await process.DisposeAsync();
            throw new InvalidOperationException($"the broker's listening line names no addresses:\n{process.Output}");
        }

        return new BrokerProcess(process, new Uri(match.Groups["grpc"].Value), new Uri(match.Groups["admin"].Value));
    }

    /// <summary>Waits (bounded) until the broker has printed a line containing <paramref name="fragment"/> <paramref name="count"/> times.</summary>
    public Task WaitForOutputAsync(string fragment, int count = 1) => process.WaitForLineContainingAsync(fragment, count);

    /// <summary>How many lines of the broker's output contain <paramref name="fragment"/>.</summary>
    public int CountOutputLines(string fragment) => process.CountLinesContaining(fragment);

    /// <summary>Sends SIGHUP, as an operator does to make it reload (<c>kill -HUP</c>; env execs dotnet, so the pid is the broker's).</summary>
    public async Task HangUpAsync()
    {
        var (exitCode, output) = await BoundedCommand.RunAsync("kill", ["-HUP", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(exitCode == 0, output);
    }

    public ValueTask DisposeAsync() => process.DisposeAsync();

    [GeneratedRegex(@"listening on (?<grpc>http://\S+) \(gRPC, h2c\), admin (?<admin>http://\S+) ")]
    private static partial Regex ListeningLine();
}
