using System.Threading.Channels;

namespace TlsBroker.Bench.Server;

/// <summary>
/// One end of an in-memory connection: what one end writes, the other reads, in order; disposing an end is
/// its FIN (the other reads end of stream). It takes no file descriptor, which is what lets the idle phase
/// hold more sessions than the open-file limit allows TCP connections. One reader and one writer per end at a time.
/// </summary>
internal sealed class InMemoryConnection : Stream
{
    private readonly ChannelReader<byte[]> incoming;
    private readonly ChannelWriter<byte[]> outgoing;
    private ReadOnlyMemory<byte> current;

    private InMemoryConnection(ChannelReader<byte[]> incoming, ChannelWriter<byte[]> outgoing)
    {
        this.incoming = incoming;
        this.outgoing = outgoing;
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Two connected ends.</summary>
    public static (InMemoryConnection Client, InMemoryConnection Server) CreatePair()
    {
        var toServer = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var toClient = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        return (new InMemoryConnection(toClient.Reader, toServer.Writer), new InMemoryConnection(toServer.Reader, toClient.Writer));
    }

    /// <summary>A zero-byte read waits until bytes (or the end) arrive, without taking any, as a socket's does.</summary>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (current.IsEmpty)
        {
            if (!await incoming.WaitToReadAsync(cancellationToken))
            {
                return 0;
            }

            if (buffer.IsEmpty)
            {
                return 0;
            }

            incoming.TryRead(out var chunk);
            current = chunk;
        }

        var count = Math.Min(buffer.Length, current.Length);
        current[..count].CopyTo(buffer);
        current = current[count..];
        return count;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!buffer.IsEmpty && !outgoing.TryWrite(buffer.ToArray()))
        {
            throw new IOException("the in-memory connection is closed");
        }

        return ValueTask.CompletedTask;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            outgoing.TryComplete();
        }

        base.Dispose(disposing);
    }
}
