using System.Diagnostics;
using TlsBroker.Bench.Paths;

namespace TlsBroker.Bench.Phases;

/// <summary>
/// Handshakes (full, or resumed on a resuming path) on one path at one TLS version and concurrency: each is TCP connect + verified
/// handshake + close_notify and close. Latency runs from the start of the TCP connect to the
/// completed, verified handshake, on every path alike. The phase runs for its <see cref="PhaseLength"/>
/// (a time, or a count of handshakes) or until its time limit passes, whichever comes first.
/// </summary>
internal sealed class HandshakePhase
{
    /// <summary>Room for the latencies of a timed phase before the recorder grows: a few seconds at a few thousand handshakes a second.</summary>
    private const int ExpectedTimedHandshakes = 16 * 1024;

    private readonly IBenchPath path;
    private readonly BenchTarget target;
    private readonly BenchTlsVersion version;

    public HandshakePhase(IBenchPath path, BenchTarget target, BenchTlsVersion version)
    {
        this.path = path;
        this.target = target;
        this.version = version;
    }

    /// <summary>One handshake with every failure thrown: the bench's check that a path works at all.</summary>
    public Task RunOneAsync(CancellationToken cancellationToken) => HandshakeAsync(cancellationToken);

    public async Task<HandshakeFigures> RunAsync(int concurrency, PhaseLength length, TimeSpan timeLimit, CancellationToken cancellationToken)
    {
        var latencies = new LatencyRecorder(length.Count ?? ExpectedTimedHandshakes);
        var failures = new FailureCount();
        var cpuStart = await path.Clock.ReadAsync(atStart: true, cancellationToken);
        var wallStart = Stopwatch.GetTimestamp();
        await PhaseWorkers.RunAsync(length, concurrency, timeLimit, failures, async (_, token) => latencies.Record(await HandshakeAsync(token)), cancellationToken);
        var seconds = Stopwatch.GetElapsedTime(wallStart).TotalSeconds;
        var cpu = cpuStart.Until(await path.Clock.ReadAsync(atStart: false, cancellationToken));

        var completed = latencies.Count;
        return new HandshakeFigures
        {
            Path = path.Kind.Label(),
            Variant = path.Variant.IsBase ? null : path.Variant.Name,
            Kind = path.HandshakeKind,
            TlsVersion = version.Label(),
            Concurrency = concurrency,
            Requested = length.Count ?? completed + failures.Count,
            Completed = completed,
            Failed = failures.Count,
            FirstFailure = failures.First,
            TimedOut = length.Count is { } count ? completed + failures.Count < count : seconds >= timeLimit.TotalSeconds,
            Seconds = seconds,
            HandshakesPerSecond = completed / seconds,
            P50Ms = latencies.PercentileMilliseconds(50),
            P99Ms = latencies.PercentileMilliseconds(99),
            CpuMsPerHandshake = PerHandshake(cpu.Total, completed),
            BenchCpuMsPerHandshake = PerHandshake(cpu.Bench, completed),
            BrokerCpuMsPerHandshake = cpu.Other is { } other ? PerHandshake(other, completed) : null,
            JitMs = cpu.Jit.TotalMilliseconds,
        };
    }

    /// <summary>TCP connect, verified handshake, close_notify and close.</summary>
    /// <returns>The latency, from the start of the connect to the verified handshake, in <see cref="Stopwatch"/> ticks.</returns>
    private async Task<long> HandshakeAsync(CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        using var socket = await target.ConnectAsync(cancellationToken);
        await using var connection = await path.HandshakeAsync(socket, version, cancellationToken);
        var latency = Stopwatch.GetTimestamp() - start;
        await connection.ShutdownAsync(cancellationToken);
        return latency;
    }

    private static double? PerHandshake(TimeSpan cpu, int completed) => completed == 0 ? null : cpu.TotalMilliseconds / completed;
}
