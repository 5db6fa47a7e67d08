using System.Text.RegularExpressions;
using TlsBroker.Server;
using TlsBroker.Testing.Peers;

namespace TlsBroker.Conformance;

/// <summary>
/// The built broker run as its own process (<c>dotnet TlsBroker.Server.dll</c>), configured by
/// environment variables the way README's Configuration section says, on ports it picks itself
/// (0) and reports in its "listening" log line. A client's <c>broker_stopped</c> case kills it by
/// <see cref="ProcessId"/>, as a crash would.
/// </summary>
internal sealed partial class BrokerInstance : IAsyncDisposable
{
    private const string ReadyMarker = "TlsBroker listening on";

    private readonly PeerProcess process;

    private BrokerInstance(PeerProcess process, Uri address)
    {
        this.process = process;
        Address = address;
    }

    /// <summary>The gRPC (h2c) address, e.g. http://127.0.0.1:41234.</summary>
    public Uri Address { get; }

    /// <summary>The broker's process id.</summary>
    public int ProcessId => process.Id;

    /// <param name="environment">Configuration as environment variables, e.g. Broker__Policies__default__TrustAnchors=/path; it holds the resumption key, so never an argument.</param>
    public static async Task<BrokerInstance> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        var serverDll = typeof(BrokerApp).Assembly.Location;
        string[] arguments = [serverDll, "--Broker:Port=0", "--Broker:AdminPort=0"];
        var process = await PeerProcess.StartAsync("dotnet", arguments, port: 0, readyMarker: ReadyMarker, environment: environment);
        var match = ListeningLine().Match(process.Output);
        if (!match.Success)
        {
            await process.DisposeAsync();
            throw new InvalidOperationException($"the broker's listening line names no address:\n{process.Output}");
        }

        return new BrokerInstance(process, new Uri(match.Groups["grpc"].Value));
    }

    public ValueTask DisposeAsync() => process.DisposeAsync();

    [GeneratedRegex(@"listening on (?<grpc>http://\S+) \(gRPC, h2c\)")]
    private static partial Regex ListeningLine();
}
