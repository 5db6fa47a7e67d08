using Grpc.Core;
using TlsBroker.Contracts.V1;

namespace TlsBroker.Client;

/// <summary>
/// One <c>Connect</c> stream. The broker answers every request with exactly one response, in
/// order (DESIGN.md, "Lockstep"), so a request may be sent before the earlier ones are answered:
/// each response belongs to the oldest request still unanswered. Sending without waiting keeps the
/// broker busy while the previous answer travels back, which the data phase needs to move bulk
/// data; the handshake still waits for each answer. One pump (<see cref="ResponsePump"/>) reads the
/// responses and writes the records each carries to the transport before handing the response over.
/// </summary>
internal sealed class PipelinedBrokerCall : IAsyncDisposable
{
    private readonly AsyncDuplexStreamingCall<ConnectRequest, ConnectResponse> call;
    private readonly SemaphoreSlim sendTurn = new(1, 1);
    private readonly CancellationTokenSource disposing = new();
    private readonly string broker;
    private readonly UnansweredRequests unanswered;
    private readonly ResponsePump responses;

    /// <param name="call">The <c>Connect</c> call, not yet used.</param>
    /// <param name="transport">The connection to the server, where each response's records go.</param>
    /// <param name="timeout">How long a request may wait for its turn, then for its response.</param>
    /// <param name="broker">The broker's address, for the messages of the errors it causes.</param>
    /// <param name="tokenIssued">Called with each resumption token a response carries.</param>
    public PipelinedBrokerCall(
        AsyncDuplexStreamingCall<ConnectRequest, ConnectResponse> call, Stream transport, TimeSpan timeout, string broker, Action<byte[]> tokenIssued)
    {
        this.call = call;
        this.broker = broker;
        unanswered = new UnansweredRequests(broker);
        responses = new ResponsePump(call.ResponseStream, transport, unanswered, broker, tokenIssued, disposing.Token);
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
    public bool Interrupted => unanswered.Interrupted;

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
            unanswered.Add(answer, responses);
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
            unanswered.Interrupt(timeout);
            throw timeout;
        }
        catch (Exception e)
        {
            var failure = unanswered.Interrupt(e);
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
            var answering = unanswered.Complete();
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
            unanswered.Interrupt(new IOException("the request stream was completed"));
            sendTurn.Release();
        }
    }

    /// <summary>Cancels the call if it is still open, which frees the session in the broker at once.</summary>
    public async ValueTask DisposeAsync()
    {
        unanswered.Interrupt(new ObjectDisposedException(nameof(PipelinedBrokerCall)));
        await disposing.CancelAsync();
        call.Dispose();
        var answering = unanswered.Pump;

        // The pump ends as soon as its read or write sees the cancellation; the bound only guards
        // against a transport that ignores it.
        if (answering is not null)
        {
            await answering.WaitAsync(Timeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
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
            unanswered.Interrupt(timeout);
            throw timeout;
        }
        catch (Exception e)
        {
            var failure = unanswered.Interrupt(BrokerErrors.FromCallIo(e, broker));
            if (ReferenceEquals(failure, e))
            {
                throw;
            }

            throw failure;
        }
    }
}
