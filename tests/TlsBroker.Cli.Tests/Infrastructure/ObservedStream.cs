using TlsBroker.Testing;

namespace TlsBroker.Cli.Tests.Infrastructure;

/// <summary>A connection whose reads a test can wait for: how many bytes came from the server so far.</summary>
internal sealed class ObservedStream(Stream inner) : ReadShapingStream(inner)
{
    private readonly object gate = new();
    private long bytesRead;
    private TaskCompletionSource moved = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long BytesRead => Interlocked.Read(ref bytesRead);

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
        var read = await Inner.ReadAsync(buffer, cancellationToken);
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
}
