using Grpc.Core;
using Microsoft.Extensions.Time.Testing;
using TlsBroker.Contracts.V1;
using TlsBroker.Server.Service;
using TlsBroker.Testing;

namespace TlsBroker.Server.Tests.Service;

/// <summary>Unit tests (no process, no network): how a response write is bounded, on a FakeTimeProvider's clock.</summary>
public sealed class ResponseWriterTests : IDisposable
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(5);

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly CancellationTokenSource call = new();
    private readonly ScriptedResponseStream stream = new();
    private readonly ReadTimeout timeout;
    private readonly ResponseWriter writer;

    public ResponseWriterTests()
    {
        timeout = new ReadTimeout(time, call.Token);
        writer = new ResponseWriter(stream, timeout, time);
    }

    public void Dispose()
    {
        timeout.Dispose();
        call.Dispose();
    }

    [Fact]
    public async Task WriteAsync_CallerReads_WrittenAndTimerDisarmed()
    {
        var response = new ConnectResponse { Ret = 1 };

        await writer.WriteAsync(response, IdleTimeout).WaitAsync(TestTimeouts.Step);
        time.Advance(IdleTimeout * 2);

        Assert.Same(response, Assert.Single(stream.Written));
        Assert.False(timeout.Expired, "the timer of a completed write still ran");
    }

    [Fact]
    public async Task WriteAsync_CallerReadsNothingForTheIdleTimeout_DeadlineExceededNamingIt()
    {
        stream.Blocked = true;
        var write = writer.WriteAsync(new ConnectResponse(), IdleTimeout);
        await stream.WriteStarted.WaitAsync(TestTimeouts.Step);

        time.Advance(IdleTimeout - TimeSpan.FromSeconds(1));
        Assert.False(write.IsCompleted, "the write ended before its idle timeout");
        time.Advance(TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<RpcException>(() => write.WaitAsync(TestTimeouts.Step));
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Equal("the caller read no response for 300 s (idle timeout): the session is ended", error.Status.Detail);
        Assert.Empty(stream.Written);
    }

    [Fact]
    public async Task WriteAsync_CallCancelledBeforeTheDeadline_CancellationNotDeadline()
    {
        stream.Blocked = true;
        var write = writer.WriteAsync(new ConnectResponse(), IdleTimeout);
        await stream.WriteStarted.WaitAsync(TestTimeouts.Step);

        await call.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write.WaitAsync(TestTimeouts.Step));
    }

    /// <summary>gRPC may abort the whole call when it cancels a write; the write then fails with what the aborted call gives, and the clock decides.</summary>
    [Fact]
    public async Task WriteAsync_WriteFailsOtherwiseAfterTheDeadline_DeadlineExceeded()
    {
        stream.Failure = new InvalidOperationException("the call was aborted");
        var writeAfterDeadline = new ResponseWriter(new DelayedFailure(stream, time, IdleTimeout), timeout, time);

        var error = await Assert.ThrowsAsync<RpcException>(() => writeAfterDeadline.WriteAsync(new ConnectResponse(), IdleTimeout).WaitAsync(TestTimeouts.Step));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task WriteAsync_WriteFailsBeforeTheDeadline_FailurePassesThrough()
    {
        stream.Failure = new InvalidOperationException("the call was aborted");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync(new ConnectResponse(), IdleTimeout).WaitAsync(TestTimeouts.Step));

        Assert.Equal("the call was aborted", error.Message);
    }

    [Fact]
    public async Task WriteAsync_RpcExceptionAfterTheDeadline_PassesThroughUnchanged()
    {
        stream.Failure = new RpcException(new Status(StatusCode.Unavailable, "gone"));
        var writeAfterDeadline = new ResponseWriter(new DelayedFailure(stream, time, IdleTimeout), timeout, time);

        var error = await Assert.ThrowsAsync<RpcException>(() => writeAfterDeadline.WriteAsync(new ConnectResponse(), IdleTimeout).WaitAsync(TestTimeouts.Step));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    /// <summary>A write that fails only once the clock has moved past the idle timeout.</summary>
    private sealed class DelayedFailure(ScriptedResponseStream inner, FakeTimeProvider time, TimeSpan after) : IServerStreamWriter<ConnectResponse>
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
