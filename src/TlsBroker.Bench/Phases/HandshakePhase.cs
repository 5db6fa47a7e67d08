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
    private readonly BenchTarget target;

    public HandshakePhase(IBenchPath path, BenchTarget target, BenchTlsVersion version)
    {
        Path = path;
        this.target = target;
        Version = version;
    }

    public IBenchPath Path { get; }

    public BenchTlsVersion Version { get; }

    /// <summary>One run in a single slice: the warm-up's rounds.</summary>
    public async Task<HandshakeFigures> RunAsync(int concurrency, PhaseLength length, TimeSpan timeLimit, CancellationToken cancellationToken)
    {
        var run = new HandshakeRun(this, concurrency, length, timeLimit);
        await run.RunSliceAsync(length, cancellationToken);
        return run.Figures();
    }

    /// <summary>TCP connect, verified handshake, close_notify and close, with every failure thrown.</summary>
    /// <returns>The latency, from the start of the connect to the verified handshake, in <see cref="Stopwatch"/> ticks.</returns>
    public async Task<long> HandshakeAsync(CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        using var socket = await target.ConnectAsync(cancellationToken);
        await using var connection = await Path.HandshakeAsync(socket, Version, cancellationToken);
        var latency = Stopwatch.GetTimestamp() - start;
        await connection.ShutdownAsync(cancellationToken);
        return latency;
    }
}
