using System.Diagnostics.CodeAnalysis;
using TlsBroker.Contracts.V1;

namespace TlsBroker.Client;

/// <summary>
/// The requests of one <c>Connect</c> stream that wait for their responses, oldest first, with what the senders and the
/// <see cref="ResponsePump"/> share about them under one lock: whether the pump runs, and whether the call was
/// interrupted or its requests completed, after which no request may be added.
/// </summary>
internal sealed class UnansweredRequests(string broker)
{
    private readonly Queue<TaskCompletionSource<ConnectResponse>> answers = new();
    private Task? pump;
    private Exception? interruption;
    private bool requestsCompleted;

    /// <summary>True once an exchange was cut short: a response may then be lost, so no further exchange is possible.</summary>
    public bool Interrupted
    {
        get
        {
            lock (answers)
            {
                return interruption is not null;
            }
        }
    }

    /// <summary>The pump's task while it reads responses; null when it is not running.</summary>
    public Task? Pump
    {
        get
        {
            lock (answers)
            {
                return pump;
            }
        }
    }

    /// <summary>
    /// Adds the answer of a request about to be sent and starts <paramref name="responses"/> unless it runs: under the
    /// lock the pump decides to end under, so that no request is added to a pump that is leaving.
    /// </summary>
    public void Add(TaskCompletionSource<ConnectResponse> answer, ResponsePump responses)
    {
        lock (answers)
        {
            ThrowIfCannotSend();
            answers.Enqueue(answer);
            pump ??= responses.RunAsync();
        }
    }

    /// <summary>Takes no more requests; returns the pump, if it runs, which ends once the requests added are answered.</summary>
    public Task? Complete()
    {
        lock (answers)
        {
            ThrowIfCannotSend();
            requestsCompleted = true;
            return pump;
        }
    }

    /// <summary>The oldest unanswered request's answer; false, and the pump is then marked ended, when none is due or the call was interrupted.</summary>
    public bool TryPeekOldest([NotNullWhen(true)] out TaskCompletionSource<ConnectResponse>? answer)
    {
        lock (answers)
        {
            answer = null;
            if (interruption is null && answers.TryPeek(out answer))
            {
                return true;
            }

            pump = null;
            return false;
        }
    }

    /// <summary>Removes the oldest request, whose response arrived.</summary>
    public void RemoveOldest()
    {
        lock (answers)
        {
            answers.TryDequeue(out _);
        }
    }

    /// <summary>The pump failed with <paramref name="cause"/>: it is marked ended and the call interrupted.</summary>
    public void PumpFailed(Exception cause)
    {
        lock (answers)
        {
            pump = null;
        }

        Interrupt(cause);
    }

    /// <summary>
    /// Marks the call unusable and fails every unanswered request with <paramref name="cause"/>, a
    /// gRPC failure turned into this library's exception; the first cause wins. Returns that exception.
    /// </summary>
    public Exception Interrupt(Exception cause)
    {
        cause = BrokerErrors.FromCallFailure(cause, broker);
        TaskCompletionSource<ConnectResponse>[] orphans;
        lock (answers)
        {
            interruption ??= cause;
            orphans = [.. answers];
            answers.Clear();
        }

        foreach (var orphan in orphans)
        {
            orphan.TrySetException(cause);
        }

        return cause;
    }

    private void ThrowIfCannotSend()
    {
        if (interruption is not null || requestsCompleted)
        {
            throw new IOException("an earlier exchange with the broker was interrupted; the TLS session cannot continue", interruption);
        }
    }
}
