using System.Diagnostics;

namespace TlsBroker.Cli.Tests.Infrastructure;

/// <summary>
/// A <see cref="SplitFirstDataRecordStream"/> that is slow at the split, as a congested connection is: the read that
/// ends inside the server's first application_data record (the handshake's last) returns no sooner than
/// <paramref name="splitAt"/> after this stream was made, and the reads after it (the rest of that record) no sooner
/// than <paramref name="restAt"/>. Times count from the start, not from the read, so that how long the handshake took
/// to get there does not move them. A wait ends early when the read is cancelled. Bytes go through unchanged.
/// </summary>
internal sealed class DelayedSplitStream(SplitFirstDataRecordStream split, TimeSpan splitAt, TimeSpan restAt) : ReadShapingStream(split)
{
    private readonly Stopwatch clock = Stopwatch.StartNew();

    /// <summary>True once a read ended inside the server's first application_data record.</summary>
    public bool Split => split.Split;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (split.Split)
        {
            await WaitUntilAsync(restAt, cancellationToken);
            return await split.ReadAsync(buffer, cancellationToken);
        }

        var read = await split.ReadAsync(buffer, cancellationToken);
        if (split.Split)
        {
            await WaitUntilAsync(splitAt, cancellationToken);
        }

        return read;
    }

    private Task WaitUntilAsync(TimeSpan at, CancellationToken cancellationToken) =>
        clock.Elapsed < at ? Task.Delay(at - clock.Elapsed, cancellationToken) : Task.CompletedTask;
}
