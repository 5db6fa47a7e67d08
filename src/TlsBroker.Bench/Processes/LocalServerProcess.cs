using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using TlsBroker.Bench.Server;

namespace TlsBroker.Bench.Processes;

/// <summary>
/// <c>tlsbroker bench-server</c> as a child process (so its CPU is not the bench's), writing its
/// generated root to a file the bench gives it, and ending with the bench (it watches its stdin).
/// </summary>
internal sealed partial class LocalServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly ChildProcess child;

    private LocalServerProcess(ChildProcess child, int port)
    {
        this.child = child;
        Port = port;
    }

    public int Port { get; }

    public Process Process => child.Process;

    public static async Task<LocalServerProcess> StartAsync(string rootPemPath, CancellationToken cancellationToken)
    {
        string[] arguments = [BenchServerCommandLine.Name, BenchServerCommandLine.PortOption, "0", BenchServerCommandLine.RootOutOption, rootPemPath, BenchServerCommandLine.ExitOnStdinEofOption];
        var (child, ready) = await ChildProcess.StartAsync(
            "bench-server", DotnetHost.Sibling(BenchServerCommandLine.HostDll), arguments, new Dictionary<string, string>(), ListeningLine(), StartTimeout, cancellationToken);
        return new LocalServerProcess(child, int.Parse(ready.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    public ValueTask DisposeAsync() => child.DisposeAsync();

    [GeneratedRegex("^" + BenchServerCommandLine.ListeningLinePrefix + @"(\d+)$")]
    private static partial Regex ListeningLine();
}
