using System.Diagnostics;
using TlsBroker.Bench.Paths;
using TlsBroker.Bench.Server;

namespace TlsBroker.Bench.Phases;

/// <summary>
/// Bulk data through one path against bench-server: a download (the server writes 16 KiB records,
/// the client reads until close_notify) and an upload (the client writes 16 KiB chunks, the server
/// replies with one byte when it has them all). Timing starts after the handshake, at the request.
/// A measurement repeats transfers (<see cref="TransfersInTurn"/>), each on a new connection,
/// until their time adds up to the phase duration, so that a fast path is measured over as long as a slow one.
/// </summary>
internal sealed class ThroughputPhase
{
    private readonly IBenchPath path;
    private readonly BenchTarget target;
    private readonly BenchTlsVersion version;

    public ThroughputPhase(IBenchPath path, BenchTarget target, BenchTlsVersion version)
    {
        this.path = path;
        this.target = target;
        this.version = version;
    }

    /// <summary>One download of <paramref name="bytes"/> on a new connection.</summary>
    public Task<ThroughputFigures> DownloadAsync(long bytes, TimeSpan timeLimit, CancellationToken cancellationToken) =>
        RunAsync("download", bytes, timeLimit, DownloadBodyAsync, cancellationToken);

    /// <summary>One upload of <paramref name="bytes"/> on a new connection.</summary>
    public Task<ThroughputFigures> UploadAsync(long bytes, TimeSpan timeLimit, CancellationToken cancellationToken) =>
        RunAsync("upload", bytes, timeLimit, UploadBodyAsync, cancellationToken);

    private static async Task DownloadBodyAsync(IBenchConnection connection, long bytes, CancellationToken cancellationToken)
    {
        await connection.WriteAsync(BenchRequest.Transfer(BenchRequest.Download, bytes), cancellationToken);
        var buffer = new byte[BenchRequest.ChunkBytes];
        long received = 0;
        int read;
        while ((read = await connection.ReadAsync(buffer, cancellationToken)) > 0)
        {
            received += read;
        }

        if (received != bytes)
        {
            throw new IOException($"the download ended after {received} of {bytes} bytes");
        }
    }

    private static async Task UploadBodyAsync(IBenchConnection connection, long bytes, CancellationToken cancellationToken)
    {
        await connection.WriteAsync(BenchRequest.Transfer(BenchRequest.Upload, bytes), cancellationToken);
        var chunk = new byte[BenchRequest.ChunkBytes];
        for (var left = bytes; left > 0; left -= chunk.Length)
        {
            await connection.WriteAsync(chunk.AsMemory(0, (int)Math.Min(left, chunk.Length)), cancellationToken);
        }

        var reply = new byte[1];
        if (await connection.ReadAsync(reply, cancellationToken) != 1 || reply[0] != BenchRequest.UploadDone)
        {
            throw new IOException("the server did not confirm the upload");
        }
    }

    private async Task<ThroughputFigures> RunAsync(
        string direction, long bytes, TimeSpan timeLimit, Func<IBenchConnection, long, CancellationToken, Task> body, CancellationToken cancellationToken)
    {
        using var phase = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        phase.CancelAfter(timeLimit);
        var figures = new ThroughputFigures
        {
            Path = path.Kind.Label(),
            Variant = path.Variant.IsBase ? null : path.Variant.Name,
            Direction = direction,
            TlsVersion = version.Label(),
            Bytes = bytes,
            Completed = false,
            Seconds = 0,
            MegabytesPerSecond = null,
            CpuMsPerMegabyte = null,
        };
        try
        {
            using var socket = await target.ConnectAsync(phase.Token);
            await using var connection = await path.HandshakeAsync(socket, version, phase.Token);
            var cpuStart = await path.Clock.ReadAsync(atStart: true, phase.Token);
            var wallStart = Stopwatch.GetTimestamp();
            await body(connection, bytes, phase.Token);
            var seconds = Stopwatch.GetElapsedTime(wallStart).TotalSeconds;
            var cpu = cpuStart.Until(await path.Clock.ReadAsync(atStart: false, phase.Token));
            await connection.ShutdownAsync(phase.Token);
            var megabytes = bytes / 1e6;
            return figures with
            {
                Transfers = 1,
                Completed = true,
                Seconds = seconds,
                MegabytesPerSecond = megabytes / seconds,
                CpuMsPerMegabyte = cpu.Total.TotalMilliseconds / megabytes,
                JitMs = cpu.Jit.TotalMilliseconds,
            };
        }
        catch (Exception e) when (BenchFailures.IsPhaseTimeout(e, phase.Token, cancellationToken))
        {
            return figures with { Seconds = timeLimit.TotalSeconds, Failure = $"not done within the phase time limit of {timeLimit.TotalSeconds:0.###} s" };
        }
        catch (Exception e) when (BenchFailures.IsOperationFailure(e))
        {
            return figures with { Failure = $"{e.GetType().Name}: {e.Message}" };
        }
    }
}
