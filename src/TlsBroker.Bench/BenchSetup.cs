using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TlsBroker.Bench.Paths;
using TlsBroker.Bench.Processes;
using TlsBroker.Bench.Server;
using TlsBroker.Core.Crypto;
using TlsBroker.Core.Policy;

namespace TlsBroker.Bench;

/// <summary>
/// Everything a run measures with: the target (bench-server started as a child, or HOST:PORT),
/// its trust anchors, the broker (started as a child, or --broker), and the paths. Disposing
/// stops the children and removes the temporary folder, also after Ctrl+C or a failure.
/// </summary>
internal sealed class BenchSetup : IAsyncDisposable
{
    /// <summary>TlsPolicyOptions.TrustAnchors' word for the operating system's store.</summary>
    private const string SystemTrustAnchors = "system";

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private readonly DirectoryInfo workDirectory = Directory.CreateTempSubdirectory("tlsbroker-bench-");
    private readonly List<IAsyncDisposable> owned = [];
    private readonly List<IBenchPath> paths = [];
    private readonly List<string> notes = [];

    private BenchSetup()
    {
    }

    public BenchTarget Target { get; private set; } = null!;

    public IReadOnlyList<IBenchPath> Paths => paths;

    public Uri? BrokerAddress { get; private set; }

    /// <summary>The broker's admin address (/metrics) when known: started by the bench, or given with --broker-admin.</summary>
    public Uri? BrokerAdminAddress { get; private set; }

    /// <summary>The broker's process when known: started by the bench, or given with --broker-pid.</summary>
    public Process? BrokerProcess { get; private set; }

    public bool BrokerStartedByBench { get; private set; }

    /// <summary>TLS peers inside the bench for an idle phase larger than the open-file limit allows over TCP; null without --local-server or the idle phase.</summary>
    public InProcessPeers? InProcessPeers { get; private set; }

    /// <summary>What the set-up changed in the environment (the open-file limit), for the report's notes.</summary>
    public IReadOnlyList<string> Notes => notes;

    /// <exception cref="BenchSetupException">The target, its trust anchors or the broker are not usable.</exception>
    public static async Task<BenchSetup> CreateAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var setup = new BenchSetup();
        try
        {
            await setup.BuildAsync(settings, cancellationToken);
            return setup;
        }
        catch
        {
            await setup.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = owned.Count - 1; i >= 0; i--)
        {
            await owned[i].DisposeAsync();
        }

        owned.Clear();
        workDirectory.Delete(recursive: true);
    }

    private async Task BuildAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var serverName = settings.EffectiveServerName;
        string trustAnchors;
        if (settings.LocalServer)
        {
            // Before any child starts, so that bench-server and the broker inherit the raised limit.
            if (settings.Phases.Contains(BenchPhase.Idle) && OpenFileLimit.RaiseToHardLimit() is { } raised)
            {
                notes.Add(raised);
            }

            trustAnchors = Path.Combine(workDirectory.FullName, "bench-root.pem");
            var server = await StartChildAsync(BenchSetupFailure.ServerUnreachable, () => LocalServerProcess.StartAsync(trustAnchors, cancellationToken));
            Target = new BenchTarget(new IPEndPoint(IPAddress.Loopback, server.Port), $"127.0.0.1:{server.Port}", serverName, IsLocalServer: true);
            if (settings.Phases.Contains(BenchPhase.Idle))
            {
                // Before the broker starts: it reads its trust anchors once.
                InProcessPeers = new InProcessPeers();
                owned.Add(InProcessPeers);
                await File.AppendAllTextAsync(trustAnchors, InProcessPeers.RootPem, cancellationToken);
            }
        }
        else
        {
            trustAnchors = settings.Trust?.FullName ?? SystemTrustAnchors;
            Target = await ResolveAsync(settings.Server!, serverName, cancellationToken);
        }

        await CheckReachableAsync(Target, cancellationToken);
        // direct, engine, broker, export, then engine and broker once more per variant.
        foreach (var variant in settings.AllVariants)
        {
            foreach (var kind in settings.Paths.Where(kind => variant.IsBase || kind is BenchPathKind.Engine or BenchPathKind.Broker))
            {
                IBenchPath path = kind switch
                {
                    BenchPathKind.Direct => new DirectPath(serverName, LoadTrustAnchors(trustAnchors)),
                    BenchPathKind.Engine => CreateEnginePath(serverName, trustAnchors, variant, settings.CryptoProvider),
                    _ => await CreateBrokerPathAsync(settings, serverName, trustAnchors, variant, kind == BenchPathKind.Export, cancellationToken),
                };
                owned.Add(path);
                paths.Add(path);
            }
        }
    }

    private async Task<T> StartChildAsync<T>(BenchSetupFailure failure, Func<Task<T>> start)
        where T : IAsyncDisposable
    {
        try
        {
            var child = await start();
            owned.Add(child);
            return child;
        }
        catch (ChildProcessException e)
        {
            throw new BenchSetupException(failure, e.Message, e);
        }
    }

    private static async Task<BenchTarget> ResolveAsync(DnsEndPoint server, string serverName, CancellationToken cancellationToken)
    {
        IPAddress address;
        if (!IPAddress.TryParse(server.Host, out var literal))
        {
            try
            {
                address = (await Dns.GetHostAddressesAsync(server.Host, cancellationToken))[0];
            }
            catch (SocketException e)
            {
                throw new BenchSetupException(BenchSetupFailure.ServerUnreachable, $"cannot resolve {server.Host}: {e.Message}", e);
            }
        }
        else
        {
            address = literal;
        }

        var endPoint = new IPEndPoint(address, server.Port);
        return new BenchTarget(endPoint, endPoint.ToString(), serverName, IsLocalServer: false);
    }

    private static async Task CheckReachableAsync(BenchTarget target, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ConnectTimeout);
        try
        {
            using var socket = await target.ConnectAsync(deadline.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BenchSetupException(BenchSetupFailure.ServerUnreachable, $"cannot connect to {target.Display}: no answer within {ConnectTimeout.TotalSeconds:0} s", e);
        }
        catch (SocketException e)
        {
            throw new BenchSetupException(BenchSetupFailure.ServerUnreachable, $"cannot connect to {target.Display}: {e.Message}", e);
        }
    }

    private static X509Certificate2Collection? LoadTrustAnchors(string trustAnchors)
    {
        if (trustAnchors == SystemTrustAnchors)
        {
            return null;
        }

        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(trustAnchors);
        }
        catch (Exception e) when (e is IOException or CryptographicException or UnauthorizedAccessException)
        {
            throw new BenchSetupException(BenchSetupFailure.Usage, $"cannot read trust anchors from {trustAnchors}: {e.Message}", e);
        }

        return roots.Count > 0 ? roots : throw new BenchSetupException(BenchSetupFailure.Usage, $"{trustAnchors} holds no PEM certificate");
    }

    private static EnginePath CreateEnginePath(string serverName, string trustAnchors, BenchVariant variant, TlsCryptoProvider cryptoProvider)
    {
        var which = variant.IsBase ? "the engine" : $"variant '{variant.Name}'";
        try
        {
            return new EnginePath(serverName, trustAnchors, variant, cryptoProvider);
        }
        catch (PolicyConfigurationException e)
        {
            throw new BenchSetupException(BenchSetupFailure.Usage, $"{which} cannot use these settings: {string.Join("; ", e.Problems)}", e);
        }
        catch (InvalidOperationException e)
        {
            // The configuration binder's answer to an unknown key or a value of the wrong type.
            throw new BenchSetupException(BenchSetupFailure.Usage, $"{which}: {e.Message}", e);
        }
    }

    /// <param name="exportKeys">The export path: the broker path taking the session's keys after the handshake.</param>
    private async Task<BrokerPath> CreateBrokerPathAsync(
        BenchSettings settings, string serverName, string trustAnchors, BenchVariant variant, bool exportKeys, CancellationToken cancellationToken)
    {
        if (BrokerAddress is not null)
        {
            return new BrokerPath(serverName, BrokerAddress, new CpuClock(BrokerProcess, BrokerAdminAddress), variant, exportKeys);
        }

        if (settings.Broker is { } external)
        {
            BrokerAddress = external;
            BrokerAdminAddress = settings.BrokerAdmin;
            BrokerProcess = settings.BrokerPid is { } pid ? FindProcess(pid) : null;
        }
        else
        {
            // The idle phase holds its sessions plus a few handshakes in flight; never below the broker's own default.
            var maxSessions = Math.Max(10_000, settings.IdleSessions.Max() + settings.Concurrency.Max() + 100);
            var broker = await StartChildAsync(BenchSetupFailure.BrokerError, () => Processes.BrokerProcess.StartAsync(Path.Combine(workDirectory.FullName, "broker-ready.json"), trustAnchors, maxSessions, settings.AllVariants, settings.CryptoProvider, cancellationToken));
            BrokerAddress = broker.Address;
            BrokerAdminAddress = broker.AdminAddress;
            BrokerProcess = broker.Process;
            BrokerStartedByBench = true;
        }

        return new BrokerPath(serverName, BrokerAddress, new CpuClock(BrokerProcess, BrokerAdminAddress), variant, exportKeys);
    }

    private static Process FindProcess(int pid)
    {
        try
        {
            return Process.GetProcessById(pid);
        }
        catch (ArgumentException e)
        {
            throw new BenchSetupException(BenchSetupFailure.Usage, $"--broker-pid {pid}: no such process", e);
        }
    }
}
