using System.Buffers;
using System.Runtime.ExceptionServices;
using Google.Protobuf;
using TlsBroker.Contracts.V1;

namespace TlsBroker.Client;

/// <summary>
/// The writing half of a <see cref="BrokerTlsStream"/>, which behaves like a socket's send buffer:
/// a write copies the plaintext here and returns, and a sender loop hands what has gathered to the
/// broker as one Write request while up to <see cref="MaxUnansweredWrites"/> earlier ones wait for
/// their answers. What the sender has not yet handed to the broker is at most one request's
/// payload (the session's limit); writers wait while it is full. Writes made while the broker is busy thus travel together: a bulk upload costs
/// one broker exchange per burst instead of one per application write.
/// </summary>
internal sealed class PlaintextSender(PipelinedBrokerCall call, int maxBufferedBytes, Action<BrokerTlsResult> recordEnd)
{
    // One request being encrypted, one waiting behind it: the broker never idles, and a refused
    // write is reported soon after it was made.
    private const int MaxUnansweredWrites = 2;

    private readonly object gate = new();
    private readonly Queue<(Task<ConnectResponse> Answer, int Length)> unanswered = new();
    private byte[]? buffer;
    private int bufferedLength;
    private long acceptedBytes;
    private long confirmedBytes;
    private Exception? failure;
    private bool sending;
    private TaskCompletionSource progress = NewSignal();

    /// <summary>Copies <paramref name="plaintext"/> into the send buffer, waiting only while the buffer is full.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken)
    {
        while (!plaintext.IsEmpty)
        {
            Task? bufferFull = null;
            lock (gate)
            {
                ThrowIfFailed();
                buffer ??= ArrayPool<byte>.Shared.Rent(maxBufferedBytes);
                var count = Math.Min(plaintext.Length, maxBufferedBytes - bufferedLength);
                plaintext.Span[..count].CopyTo(buffer.AsSpan(bufferedLength));
                bufferedLength += count;
                acceptedBytes += count;
                plaintext = plaintext[count..];
                if (count == 0)
                {
                    bufferFull = progress.Task;
                }

                StartSendingIfIdle();
            }

            if (bufferFull is not null)
            {
                await bufferFull.WaitAsync(cancellationToken);
            }
        }
    }

    /// <summary>Waits until every byte written so far is on the transport, and throws if the broker refused a write.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        long target;
        lock (gate)
        {
            target = acceptedBytes;
        }

        while (true)
        {
            Task next;
            lock (gate)
            {
                ThrowIfFailed();
                if (confirmedBytes >= target)
                {
                    return;
                }

                next = progress.Task;
            }

            await next.WaitAsync(call.Timeout, cancellationToken);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void StartSendingIfIdle()
    {
        if (!sending)
        {
            sending = true;
            _ = SendLoopAsync();
        }
    }

    /// <summary>
    /// Sends what is buffered while the broker has room for it, confirms answers otherwise, and ends
    /// once everything is confirmed, so that an idle stream has no loop and no buffer. Never throws:
    /// a failure is kept for the writers.
    /// </summary>
    private async Task SendLoopAsync()
    {
        await Task.Yield();
        try
        {
            while (true)
            {
                ByteString? payload = null;
                lock (gate)
                {
                    if (bufferedLength > 0 && unanswered.Count < MaxUnansweredWrites)
                    {
                        payload = ByteString.CopyFrom(buffer!, 0, bufferedLength);
                        bufferedLength = 0;
                        Signal();
                    }
                    else if (unanswered.Count == 0)
                    {
                        ReturnBuffer();
                        sending = false;
                        return;
                    }
                }

                if (payload is not null)
                {
                    var answer = await call.SendAsync(new ConnectRequest { Write = new Write { Plaintext = payload } }, CancellationToken.None);
                    unanswered.Enqueue((answer, payload.Length));
                }
                else
                {
                    await ConfirmOldestAsync();
                }
            }
        }
        catch (Exception e)
        {
            lock (gate)
            {
                failure ??= e;
                ReturnBuffer();
                sending = false;
                Signal();
            }
        }
    }

    private async Task ConfirmOldestAsync()
    {
        var (answer, length) = unanswered.Dequeue();
        var response = await call.AwaitAnswerAsync(answer, CancellationToken.None);
        if (response.Error != SslError.None)
        {
            var result = BrokerTlsResult.From(response);
            recordEnd(result);
            throw new BrokerTlsException(result);
        }

        lock (gate)
        {
            confirmedBytes += length;
            Signal();
        }
    }

    /// <summary>Wakes every writer and flusher waiting on the current signal; call with the gate held.</summary>
    private void Signal()
    {
        var current = progress;
        progress = NewSignal();
        current.SetResult();
    }

    private void ReturnBuffer()
    {
        if (buffer is { } rented && bufferedLength == 0)
        {
            buffer = null;
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void ThrowIfFailed()
    {
        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }
}
