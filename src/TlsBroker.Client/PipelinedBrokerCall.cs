using Grpc.Core;
using TlsBroker.Contracts.V1;

namespace TlsBroker.Client;

/// <summary>
/// One <c>Connect</c> stream. The broker answers every request with exactly one response, in
/// order (DESIGN.md, "Lockstep"), so a request may be sent before the earlier ones are answered:
/// each response belongs to the oldest request still unanswered. Sending without waiting keeps the
/// broker busy while the previous answer travels back, which the data phase needs to move bulk
/// data; the handshake still waits for each answer. One pump reads the responses and writes the
/// records each carries to the transport before handing the response over, so that they reach the
/// server in the order the broker produced them (TLS sequence numbers, RFC 8446 §5.3).
/// </summary>
internal sealed class PipelinedBrokerCall : IAsyncDisposable
{
    private readonly AsyncDuplexStreamingCall<ConnectRequest, ConnectResponse> call;
    private readonly Stream transport;
    private readonly SemaphoreSlim sendTurn = new(1, 1);
    private readonly CancellationTokenSource disposing = new();
    private readonly string broker;
    private readonly Action<byte[]> tokenIssued;

    // Guarded by its own lock, as are pump and interruption: the senders' and the pump's shared state.
    private readonly Queue<TaskCompletionSource<ConnectResponse>> unanswered = new();
    private Task? pump;
    private Exception? interruption;
    private bool requestsCompleted;

    /// <param name="call">The <c>Connect</c> call, not yet used.</param>
    /// <param name="transport">The connection to the server, where each response's records go.</param>
    /// <param name="timeout">How long a request may wait for its turn, then for its response.</param>
    /// <param name="broker">The broker's address, for the messages of the errors it causes.</param>
    /// <param name="tokenIssued">Called with each resumption token a response carries.</param>
    public PipelinedBrokerCall(
        AsyncDuplexStreamingCall<ConnectRequest, ConnectResponse> call, Stream transport, TimeSpan timeout, string broker, Action<byte[]> tokenIssued)
    {
        this.call = call;
        this.transport = transport;
        this.broker = broker;
        this.tokenIssued = tokenIssued;
        Timeout = timeout;
    }

    /// <summary>The broker's address, as the channel names it.</summary>
    public string Broker => broker;

    /// <summary>How long a request may wait for its turn to be sent, and then for its response.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>
    /// True once an exchange was cut short (timeout, cancellation, transport or gRPC failure): a
    /// response may then be lost, so no further exchange is possible.
    /// </summary>
    public bool Interrupted
    {
        get
        {
            lock (unanswered)
            {
                return interruption is not null;
            }
        }
    }

    /// <summary>Sends <paramref name="request"/> and waits, within the timeout, for its response, whose records are then on the transport.</summary>
    public async Task<ConnectResponse> ExchangeAsync(ConnectRequest request, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(request, cancellationToken);
        return await AwaitAnswerAsync(answer, cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="request"/> once the requests before it are sent, without waiting for
    /// its response: the task returned completes with the response, after its records are on the
    /// transport. Await it with <see cref="AwaitAnswerAsync"/>, which bounds the wait.
    /// </summary>
    public async Task<Task<ConnectResponse>> SendAsync(ConnectRequest request, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(Timeout);
        try
        {
            await sendTurn.WaitAsync(bounded.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no turn to talk to the broker within {Timeout.TotalSeconds:0.###} s");
        }

        try
        {
            var answer = new TaskCompletionSource<ConnectResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (unanswered)
            {
                ThrowIfCannotSend();
                unanswered.Enqueue(answer);
                pump ??= PumpAsync();
            }

            await WriteRequestAsync(request, bounded.Token, cancellationToken);
            return answer.Task;
        }
        finally
        {
            sendTurn.Release();
        }
    }

    /// <summary>Waits, within the timeout, for a response <see cref="SendAsync"/> promised; a wait cut short interrupts the call.</summary>
    public async Task<ConnectResponse> AwaitAnswerAsync(Task<ConnectResponse> answer, CancellationToken cancellationToken)
    {
        try
        {
            return await answer.WaitAsync(Timeout, cancellationToken);
        }
        catch (TimeoutException e)
        {
            var timeout = new TimeoutException($"the broker did not answer within {Timeout.TotalSeconds:0.###} s", e);
            Interrupt(timeout);
            throw timeout;
        }
        catch (Exception e)
        {
            var failure = Interrupt(e);
            if (ReferenceEquals(failure, e))
            {
                throw;
            }

            throw failure;
        }
    }

    /// <summary>Ends the request stream and waits, within the timeout, for the broker to answer what is outstanding and end its side.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(disposing.Token, cancellationToken);
        bounded.CancelAfter(Timeout);
        await sendTurn.WaitAsync(bounded.Token);
        try
        {
            Task? answering;
            lock (unanswered)
            {
                ThrowIfCannotSend();
                requestsCompleted = true;
                answering = pump;
            }

            await call.RequestStream.CompleteAsync().WaitAsync(bounded.Token);
            if (answering is not null)
            {
                await answering.WaitAsync(bounded.Token);
            }

            if (await call.ResponseStream.MoveNext(bounded.Token))
            {
                throw new IOException("the broker sent a response nobody asked for");
            }
        }
        finally
        {
            Interrupt(new IOException("the request stream was completed"));
            sendTurn.Release();
        }
    }

    /// <summary>Cancels the call if it is still open, which frees the session in the broker at once.</summary>
    public async ValueTask DisposeAsync()
    {
        Interrupt(new ObjectDisposedException(nameof(PipelinedBrokerCall)));
        await disposing.CancelAsync();
        call.Dispose();
        Task? answering;
        lock (unanswered)
        {
            answering = pump;
        }

        // The pump ends as soon as its read or write sees the cancellation; the bound only guards
        // against a transport that ignores it.
        if (answering is not null)
        {
            await answering.WaitAsync(Timeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task<bool> MoveNextAsync()
    {
        try
        {
            return await call.ResponseStream.MoveNext(disposing.Token);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw BrokerErrors.FromCallIo(e, broker);
        }
    }

    private async Task WriteRequestAsync(ConnectRequest request, CancellationToken bounded, CancellationToken callers)
    {
        try
        {
            await call.RequestStream.WriteAsync(request, bounded);
        }
        catch (Exception e) when (Cancellation.IsCancellation(e) && !callers.IsCancellationRequested)
        {
            var timeout = new TimeoutException($"the broker did not take the request within {Timeout.TotalSeconds:0.###} s", e);
            Interrupt(timeout);
            throw timeout;
        }
        catch (Exception e)
        {
            var failure = Interrupt(BrokerErrors.FromCallIo(e, broker));
            if (ReferenceEquals(failure, e))
            {
                throw;
            }

            throw failure;
        }
    }

    /// <summary>
    /// Reads responses while requests are unanswered and exits when none are, so that an idle
    /// session holds no pending read. Never throws: a failure interrupts the call instead.
    /// </summary>
    private async Task PumpAsync()
    {
        // Starts on the sender's stack, inside its lock and turn, and leaves it at the first read of a response, which
        // waits: the broker answers only a request that is written, which the sender does next (a call that failed
        // instead ends the pump there, at once). Yielding first cost a thread-pool hop at every restart, which on the
        // read path is every exchange.
        try
        {
            while (true)
            {
                TaskCompletionSource<ConnectResponse> answer;
                lock (unanswered)
                {
                    if (interruption is not null || !unanswered.TryPeek(out answer!))
                    {
                        pump = null;
                        return;
                    }
                }

                if (!await MoveNextAsync())
                {
                    throw new BrokerException(broker, StatusCode.Internal, "the broker ended the stream without answering the last request", null);
                }

                var response = call.ResponseStream.Current;
                if (!response.RecordsToSend.IsEmpty)
                {
                    await transport.WriteAsync(response.RecordsToSend.Memory, disposing.Token);
                    await transport.FlushAsync(disposing.Token);
                }

                if (!response.ResumptionToken.IsEmpty)
                {
                    tokenIssued(response.ResumptionToken.ToByteArray());
                }

                lock (unanswered)
                {
                    unanswered.TryDequeue(out _);
                }

                answer.TrySetResult(response);
            }
        }
        catch (Exception e)
        {
            lock (unanswered)
            {
                pump = null;
            }

            Interrupt(e);
        }
    }

    /// <summary>
    /// Marks the call unusable and fails every unanswered request with <paramref name="cause"/>, a
    /// gRPC failure turned into this library's exception; the first cause wins. Returns that exception.
    /// </summary>
    private Exception Interrupt(Exception cause)
    {
        cause = BrokerErrors.FromCallFailure(cause, broker);
        TaskCompletionSource<ConnectResponse>[] orphans;
        lock (unanswered)
        {
            interruption ??= cause;
            orphans = [.. unanswered];
            unanswered.Clear();
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
