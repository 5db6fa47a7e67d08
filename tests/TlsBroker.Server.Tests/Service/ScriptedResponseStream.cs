using Grpc.Core;
using TlsBroker.Contracts.V1;

namespace TlsBroker.Server.Tests.Service;

/// <summary>
/// The gRPC response stream as the broker sees it, scripted for unit tests of the response writing:
/// it takes responses, or holds every write until <see cref="Release"/> or until the write is cancelled
/// (a caller whose HTTP/2 window stays closed), or fails every write. The real stream is covered end to
/// end by the functional tests.
/// </summary>
internal sealed class ScriptedResponseStream : IServerStreamWriter<ConnectResponse>
{
    private readonly TaskCompletionSource writeStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int writing;

    /// <summary>Set to make every write wait until it is released or cancelled.</summary>
    public bool Blocked { get; set; }

    /// <summary>Set to make every write fail with this exception.</summary>
    public Exception? Failure { get; set; }

    /// <summary>The responses written, in order.</summary>
    public List<ConnectResponse> Written { get; } = [];

    public WriteOptions? WriteOptions { get; set; }

    /// <summary>Completes when the first write has begun.</summary>
    public Task WriteStarted => writeStarted.Task;

    /// <summary>Lets every held write, and every later one, complete.</summary>
    public void Release() => released.TrySetResult();

    public Task WriteAsync(ConnectResponse message) => WriteAsync(message, CancellationToken.None);

    public async Task WriteAsync(ConnectResponse message, CancellationToken cancellationToken)
    {
        Assert.Equal(1, Interlocked.Increment(ref writing));
        try
        {
            writeStarted.TrySetResult();
            if (Failure is not null)
            {
                throw Failure;
            }

            if (Blocked)
            {
                await released.Task.WaitAsync(cancellationToken);
            }

            Written.Add(message);
        }
        finally
        {
            Interlocked.Decrement(ref writing);
        }
    }
}
