using System.Collections.Concurrent;
using System.Diagnostics;
using TlsBroker.Bench.Paths;
using TlsBroker.Bench.Processes;
using TlsBroker.Bench.Server;

namespace TlsBroker.Bench.Phases;

/// <summary>
/// Holds many established sessions open through the broker at once and reads the broker's RSS
/// before and after, then proves every session still works (an echoed byte through bench-server)
/// and closes them all. Opening, checking and closing are each bounded by the phase time limit.
/// Over TCP, the connections to bench-server come from as many loopback source addresses as their
/// count needs (<see cref="LoopbackSources"/>); when the open-file limit is too low for that many
/// connections, the TLS peers run inside the bench over in-memory connections (<see cref="InProcessPeers"/>),
/// which changes nothing on the broker's side of a session.
/// </summary>
internal sealed class IdleSessionsPhase
{
    /// <summary>Handshakes in flight while opening, and sessions checked or closed at once.</summary>
    private const int Parallelism = 32;

    /// <summary>Descriptors kept free beyond one per session (gRPC connections, pipes, the runtime).</summary>
    private const int SpareFileDescriptors = 256;

    private static readonly byte[] Probe = [BenchRequest.Echo, (byte)'x'];

    private readonly BrokerPath broker;
    private readonly BenchTarget target;
    private readonly InProcessPeers? inProcessPeers;
    private readonly int? brokerPid;
    private readonly Uri? brokerAdmin;

    /// <param name="inProcessPeers">Peers for more sessions than the open-file limit allows over TCP; null: such a count is skipped.</param>
    /// <param name="brokerPid">For the broker's RSS; null when unknown.</param>
    /// <param name="brokerAdmin">The broker's admin address, for its managed heap; null when unknown.</param>
    public IdleSessionsPhase(BrokerPath broker, BenchTarget target, InProcessPeers? inProcessPeers, int? brokerPid, Uri? brokerAdmin)
    {
        this.broker = broker;
        this.target = target;
        this.inProcessPeers = inProcessPeers;
        this.brokerPid = brokerPid;
        this.brokerAdmin = brokerAdmin;
    }

    public async Task<IdleSessionFigures> RunAsync(int sessions, TimeSpan timeLimit, CancellationToken cancellationToken)
    {
        var empty = new IdleSessionFigures
        {
            Variant = broker.Variant.IsBase ? null : broker.Variant.Name,
            Sessions = sessions,
            Opened = 0,
            Failed = 0,
            Usable = 0,
            OpenSeconds = 0,
        };
        // Over TCP when the open-file limit allows it; otherwise in memory, or skipped without in-process peers.
        var shortfall = FileDescriptorShortfall(sessions);
        if (shortfall is not null && inProcessPeers is null)
        {
            return empty with { SkippedReason = shortfall };
        }

        var sources = shortfall is null ? LoopbackSources.For(target.EndPoint, sessions) : null;
        empty = empty with
        {
            PeerTransport = sources is null ? "in-memory" : "tcp",
            PeerTransportReason = shortfall,
            SourceAddresses = [.. sources?.Addresses.Select(a => a.ToString()) ?? []],
        };

        var open = new ConcurrentBag<IBenchConnection>();
        var failures = new FailureCount();
        try
        {
            var rssBefore = brokerPid is { } pid ? ProcessMemory.ResidentBytes(pid) : null;
            var heapBefore = await ManagedHeapAsync(cancellationToken);
            var wallStart = Stopwatch.GetTimestamp();
            await PhaseWorkers.RunAsync(sessions, Parallelism, timeLimit, failures, async (_, token) =>
            {
                if (sources is null)
                {
                    open.Add(await broker.HandshakeAsync(inProcessPeers!.Connect(), BenchTlsVersion.Tls13, token));
                    return;
                }

                var socket = await target.ConnectAsync(sources, token);
                try
                {
                    open.Add(await broker.HandshakeAsync(socket, BenchTlsVersion.Tls13, token));
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }, cancellationToken);
            var openSeconds = Stopwatch.GetElapsedTime(wallStart).TotalSeconds;
            var rssAfter = brokerPid is { } again ? ProcessMemory.ResidentBytes(again) : null;
            var heapAfter = await ManagedHeapAsync(cancellationToken);

            var connections = open.ToArray();
            var usable = 0;
            await PhaseWorkers.RunAsync(connections.Length, Parallelism, timeLimit, new FailureCount(), async (index, token) =>
            {
                if (await EchoesAsync(connections[index], token))
                {
                    Interlocked.Increment(ref usable);
                }
            }, cancellationToken);

            return empty with
            {
                Opened = connections.Length,
                Failed = failures.Count,
                FirstFailure = failures.First,
                Usable = usable,
                OpenSeconds = openSeconds,
                BrokerRssBeforeBytes = rssBefore,
                BrokerRssAfterBytes = rssAfter,
                RssBytesPerSession = PerSession(rssBefore, rssAfter, connections.Length),
                BrokerHeapBeforeBytes = heapBefore,
                BrokerHeapAfterBytes = heapAfter,
                ManagedHeapBytesPerSession = PerSession(heapBefore, heapAfter, connections.Length),
            };
        }
        finally
        {
            var connections = open.ToArray();
            await PhaseWorkers.RunAsync(connections.Length, Parallelism, timeLimit, new FailureCount(), async (index, token) =>
            {
                await using var connection = connections[index];
                await connection.ShutdownAsync(token);
            }, CancellationToken.None);
        }
    }

    private static long? PerSession(long? before, long? after, int sessions) =>
        before is { } b && after is { } a && sessions > 0 ? (a - b) / sessions : null;

    private async Task<long?> ManagedHeapAsync(CancellationToken cancellationToken) =>
        brokerAdmin is { } admin ? await BrokerAdminMetrics.ManagedHeapBytesAsync(admin, cancellationToken) : null;

    private static async Task<bool> EchoesAsync(IBenchConnection connection, CancellationToken cancellationToken)
    {
        await connection.WriteAsync(Probe, cancellationToken);
        var echoed = new byte[1];
        return await connection.ReadAsync(echoed, cancellationToken) == 1 && echoed[0] == Probe[1];
    }

    private static string? FileDescriptorShortfall(int sessions)
    {
        if (ProcessMemory.OpenFileLimit() is not { } limit || ProcessMemory.OpenFiles() is not { } inUse)
        {
            return null;
        }

        var needed = inUse + sessions + SpareFileDescriptors;
        return needed <= limit
            ? null
            : $"{sessions} sessions over TCP need about {needed} open files in the bench (and {sessions} in bench-server), "
              + $"but the limit is {limit} (the hard limit, to raise it: `ulimit -Hn`, as root with CAP_SYS_RESOURCE)";
    }
}
