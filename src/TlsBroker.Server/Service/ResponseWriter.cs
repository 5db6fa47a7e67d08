using Grpc.Core;
using TlsBroker.Contracts.V1;
using TlsBroker.Server.Mapping;

namespace TlsBroker.Server.Service;

/// <summary>
/// Writes a call's responses in order, each after the one before; the call may go on reading and answering
/// requests meanwhile (or await <see cref="FlushAsync"/> after each). What waits for the caller's HTTP/2
/// flow-control window is bounded twice. In bytes: a response that would take the unread responses past the
/// session's limit ends the session with RESOURCE_EXHAUSTED (one response alone is always sent). In time: a
/// caller that stops reading blocks the write, which gets the idle timeout, then the session ends with DEADLINE_EXCEEDED.
/// </summary>
internal sealed class ResponseWriter
{
    private readonly IServerStreamWriter<ConnectResponse> responses;
    private readonly ReadTimeout timeout;
    private readonly TimeProvider timeProvider;
    private readonly Action wakeReader;
    private readonly Action<long> unreadChanged;
    private Task pending = Task.CompletedTask;
    private long bufferedBytes;
    private volatile bool failed;

    /// <param name="timeout">The writes' own timer (the reads have theirs), stopped also when the call is cancelled (<see cref="CallTimeouts"/>).</param>
    /// <param name="wakeReader">Called when a write fails, so that a read waiting at the same time gives up at once.</param>
    /// <param name="unreadChanged">Told every change of <see cref="BufferedBytes"/> (the broker's gauge of unread response bytes).</param>
    public ResponseWriter(
        IServerStreamWriter<ConnectResponse> responses, ReadTimeout timeout, TimeProvider timeProvider, Action wakeReader, Action<long> unreadChanged)
    {
        this.unreadChanged = unreadChanged;
        this.responses = responses;
        this.timeout = timeout;
        this.timeProvider = timeProvider;
        this.wakeReader = wakeReader;
    }

    /// <summary>Bytes of the responses handed to this writer that the transport has not taken yet.</summary>
    public long BufferedBytes => Interlocked.Read(ref bufferedBytes);

    /// <summary>True once a write failed; <see cref="FlushAsync"/> then throws why.</summary>
    public bool Failed => failed;

    /// <summary>
    /// Queues <paramref name="response"/> behind the responses not yet written. RESOURCE_EXHAUSTED when the
    /// unread responses would pass <paramref name="maxBufferedBytes"/>; the failure of an earlier write when one failed.
    /// </summary>
    public void Enqueue(ConnectResponse response, TimeSpan idleTimeout, int maxBufferedBytes)
    {
        if (pending.IsFaulted || pending.IsCanceled)
        {
            pending.GetAwaiter().GetResult();
        }

        var size = response.CalculateSize();
        var buffered = Interlocked.Add(ref bufferedBytes, size);
        if (buffered > maxBufferedBytes && buffered > size)
        {
            Interlocked.Add(ref bufferedBytes, -size);
            throw BrokerErrors.BufferedResponsesOverLimit(maxBufferedBytes);
        }

        unreadChanged(size);
        pending = WriteAfterAsync(pending, response, size, idleTimeout);
    }

    /// <summary>Completes when every queued response is written; throws when a write failed.</summary>
    public Task FlushAsync() => pending;

    /// <summary>
    /// Returns once no write runs, whatever became of the writes (to cut them short, cancel the timeout's call
    /// token first): a call must not end while one of its writes still runs.
    /// </summary>
    public async Task SettleAsync()
    {
        try
        {
            await pending;
        }
        catch (Exception)
        {
            // The call ends with the error that made it stop; a write that failed meanwhile changes nothing.
        }
    }

    /// <summary>Writes <paramref name="response"/> once <paramref name="previous"/> is written; a response not written (a write failed) is dropped all the same.</summary>
    private async Task WriteAfterAsync(Task previous, ConnectResponse response, int size, TimeSpan idleTimeout)
    {
        try
        {
            await previous;
            try
            {
                await WriteAsync(response, idleTimeout);
            }
            catch (Exception)
            {
                failed = true;
                wakeReader();
                throw;
            }
        }
        finally
        {
            Interlocked.Add(ref bufferedBytes, -size);
            unreadChanged(-size);
        }
    }

    private async Task WriteAsync(ConnectResponse response, TimeSpan idleTimeout)
    {
        var deadline = timeProvider.GetUtcNow() + idleTimeout;
        var cancelled = timeout.Arm(idleTimeout);
        try
        {
            await responses.WriteAsync(response, cancelled);
            timeout.Disarm();
        }
        catch (Exception e) when (e is not RpcException && timeProvider.GetUtcNow() >= deadline)
        {
            // By the clock, not by ReadTimeout.Expired: gRPC may abort the whole call when it cancels a
            // write, and the write then fails with whatever the aborted call gives.
            throw BrokerErrors.ResponsesNotRead(idleTimeout);
        }
    }
}
