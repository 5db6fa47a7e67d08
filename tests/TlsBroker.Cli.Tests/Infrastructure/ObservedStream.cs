using TlsBroker.Testing;

namespace TlsBroker.Cli.Tests.Infrastructure;

/// <summary>A connection whose reads a test can wait for: how many bytes came from the server so far.</summary>
internal sealed class ObservedStream(Stream inner) : Stream
{
    private readonly object gate = new();
    private long bytesRead;
    private TaskCompletionSource moved = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long BytesRead => Interlocked.Read(ref bytesRead);

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Waits, within the test step timeout, until more than <paramref name="count"/> bytes were read.</summary>
    public async Task WaitForBytesReadBeyondAsync(long count)
    {
        while (true)
        {
            Task next;
            lock (gate)
            {
                if (bytesRead > count)
                {
                    return;
                }

                next = moved.Task;
            }

            await next.WaitAsync(TestTimeouts.Step);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        TaskCompletionSource done;
        lock (gate)
        {
            bytesRead += read;
            done = moved;
            moved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        done.SetResult();
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
