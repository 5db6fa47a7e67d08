using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;
using TlsBroker.Contracts.V1;
using TlsBroker.Server.Mapping;
using TlsBroker.Server.Service;
using TlsBroker.Testing;

namespace TlsBroker.Server.Tests.Service;

/// <summary>
/// Unit tests (no process, no network): how the responses a caller has not read are bounded in bytes and in
/// time, on a FakeTimeProvider's clock, over a scripted response stream (the one seam gRPC offers).
/// </summary>
[Trait("Category", "Unit")]
public sealed class ResponseWriterTests : IDisposable
{
    private const int Limit = 64 * 1024;
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(5);

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly CancellationTokenSource call = new();
    private readonly ScriptedResponseStream stream = new();
    private readonly CallTimeouts timeouts;
    private readonly ReadTimeout timeout;
    private readonly ResponseWriter writer;
    private int readerWoken;
    private long unread;

    public ResponseWriterTests()
    {
        timeouts = new CallTimeouts(time, new CallCancellation(call.Token, CancellationToken.None));
        timeout = timeouts.Writes;
        writer = new ResponseWriter(stream, timeout, time, () => Interlocked.Increment(ref readerWoken), delta => Interlocked.Add(ref unread, delta));
    }

    public void Dispose()
    {
        timeouts.Dispose();
        call.Dispose();
    }

    [Fact]
    public async Task Enqueue_CallerReads_WrittenInOrderNothingLeftAndTimerDisarmed()
    {
        var responses = Enumerable.Range(1, 5).Select(ret => new ConnectResponse { Ret = ret }).ToList();

        responses.ForEach(response => writer.Enqueue(response, IdleTimeout, Limit));
        await writer.FlushAsync().WaitAsync(TestTimeouts.Step);
        time.Advance(IdleTimeout * 2);

        Assert.Equal(responses, stream.Written);
        Assert.Equal(0, writer.BufferedBytes);
        Assert.False(timeout.Expired, "the timer of a completed write still ran");
        Assert.False(writer.Failed);
    }

    [Fact]
    public async Task Enqueue_CallerReadsNothingForTheIdleTimeout_DeadlineExceededNamingItAndReaderWoken()
    {
        stream.Blocked = true;
        writer.Enqueue(Response(100), IdleTimeout, Limit);
        writer.Enqueue(Response(100), IdleTimeout, Limit);
        await stream.WriteStarted.WaitAsync(TestTimeouts.Step);

        time.Advance(IdleTimeout - TimeSpan.FromSeconds(1));
        Assert.False(writer.FlushAsync().IsCompleted, "the write ended before its idle timeout");
        time.Advance(TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<BrokerRejection>(() => writer.FlushAsync().WaitAsync(TestTimeouts.Step));
        Assert.Equal((StatusCode.DeadlineExceeded, RejectionReason.Deadline), (error.StatusCode, error.Reason));
        Assert.Equal("the caller read no response for 300 s (idle timeout): the session is ended", error.Status.Detail);
        Assert.True(writer.Failed);
        Assert.Equal(1, readerWoken);
        Assert.Empty(stream.Written);
        await writer.SettleAsync().WaitAsync(TestTimeouts.Step);
        Assert.Equal(0, writer.BufferedBytes);
        Assert.Equal(0, Interlocked.Read(ref unread));
    }

    [Fact]
    public async Task Enqueue_UnreadResponsesWouldPassTheLimit_ResourceExhaustedNamingTheLimit()
    {
        stream.Blocked = true;
        var first = Response(Limit / 2);
        var size = first.CalculateSize();
        writer.Enqueue(first, IdleTimeout, Limit);
        await stream.WriteStarted.WaitAsync(TestTimeouts.Step);

        var error = Assert.Throws<BrokerRejection>(() => writer.Enqueue(Response(Limit / 2), IdleTimeout, Limit));

        Assert.Equal((StatusCode.ResourceExhausted, RejectionReason.Limit), (error.StatusCode, error.Reason));
        Assert.Equal($"the caller left more than {Limit} bytes of responses unread (MaxBufferedResponseBytes): the session is ended", error.Status.Detail);
        Assert.Equal(size, writer.BufferedBytes);
        Assert.Equal(size, Interlocked.Read(ref unread));
        stream.Release();
        await writer.FlushAsync().WaitAsync(TestTimeouts.Step);
        Assert.Equal(0, writer.BufferedBytes);
        Assert.Equal(0, Interlocked.Read(ref unread));
    }

    [Fact]
    public async Task Enqueue_UnreadResponsesUpToTheLimit_AllWrittenOnceRead()
    {
        stream.Blocked = true;
        var count = 0;
        var buffered = 0L;
        while (buffered + Response(1000).CalculateSize() <= Limit)
        {
            writer.Enqueue(Response(1000), IdleTimeout, Limit);
            buffered += Response(1000).CalculateSize();
            count++;
        }

        Assert.Equal(buffered, writer.BufferedBytes);
        stream.Release();
        await writer.FlushAsync().WaitAsync(TestTimeouts.Step);

        Assert.Equal(count, stream.Written.Count);
        Assert.Equal(0, writer.BufferedBytes);
    }

    [Fact]
    public async Task Enqueue_OneResponseLargerThanTheLimitAndNoneWaiting_Written()
    {
        stream.Blocked = true;
        var large = Response(Limit * 4);

        writer.Enqueue(large, IdleTimeout, Limit);
        stream.Release();
        await writer.FlushAsync().WaitAsync(TestTimeouts.Step);

        Assert.Same(large, Assert.Single(stream.Written));
    }

    [Fact]
    public async Task Enqueue_AfterAWriteFailed_ThrowsThatFailure()
    {
        stream.Failure = new RpcException(new Status(StatusCode.Unavailable, "gone"));
        writer.Enqueue(Response(10), IdleTimeout, Limit);
        await Assert.ThrowsAsync<RpcException>(() => writer.FlushAsync().WaitAsync(TestTimeouts.Step));

        var error = Assert.Throws<RpcException>(() => writer.Enqueue(Response(10), IdleTimeout, Limit));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task Enqueue_CallCancelledBeforeTheDeadline_CancellationNotDeadline()
    {
        stream.Blocked = true;
        writer.Enqueue(Response(10), IdleTimeout, Limit);
        await stream.WriteStarted.WaitAsync(TestTimeouts.Step);

        await call.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writer.FlushAsync().WaitAsync(TestTimeouts.Step));
        await writer.SettleAsync().WaitAsync(TestTimeouts.Step);
    }

    /// <summary>gRPC may abort the whole call when it cancels a write; the write then fails with what the aborted call gives, and the clock decides.</summary>
    [Fact]
    public async Task Enqueue_WriteFailsOtherwiseAfterTheDeadline_DeadlineExceeded()
    {
        stream.Failure = new InvalidOperationException("the call was aborted");
        var failsLate = new ResponseWriter(new ClockMovingStream(stream, time, IdleTimeout), timeout, time, () => { }, _ => { });

        failsLate.Enqueue(Response(10), IdleTimeout, Limit);

        var error = await Assert.ThrowsAsync<BrokerRejection>(() => failsLate.FlushAsync().WaitAsync(TestTimeouts.Step));
        Assert.Equal((StatusCode.DeadlineExceeded, RejectionReason.Deadline), (error.StatusCode, error.Reason));
    }

    [Fact]
    public async Task Enqueue_WriteFailsBeforeTheDeadline_FailurePassesThrough()
    {
        stream.Failure = new InvalidOperationException("the call was aborted");

        writer.Enqueue(Response(10), IdleTimeout, Limit);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => writer.FlushAsync().WaitAsync(TestTimeouts.Step));
        Assert.Equal("the call was aborted", error.Message);
    }

    [Fact]
    public async Task Enqueue_RpcExceptionAfterTheDeadline_PassesThroughUnchanged()
    {
        stream.Failure = new RpcException(new Status(StatusCode.Unavailable, "gone"));
        var failsLate = new ResponseWriter(new ClockMovingStream(stream, time, IdleTimeout), timeout, time, () => { }, _ => { });

        failsLate.Enqueue(Response(10), IdleTimeout, Limit);

        var error = await Assert.ThrowsAsync<RpcException>(() => failsLate.FlushAsync().WaitAsync(TestTimeouts.Step));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    private static ConnectResponse Response(int plaintextBytes) => new() { Ret = plaintextBytes, Plaintext = ByteString.CopyFrom(new byte[plaintextBytes]) };

    /// <summary>A stream whose write moves the clock past the idle timeout before it fails.</summary>
    private sealed class ClockMovingStream(ScriptedResponseStream inner, FakeTimeProvider time, TimeSpan after) : IServerStreamWriter<ConnectResponse>
    {
        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(ConnectResponse message) => WriteAsync(message, CancellationToken.None);

        public Task WriteAsync(ConnectResponse message, CancellationToken cancellationToken)
        {
            time.Advance(after);
            return inner.WriteAsync(message, cancellationToken);
        }
    }
}
