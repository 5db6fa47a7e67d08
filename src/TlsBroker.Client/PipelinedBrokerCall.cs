using Grpc.Core;
using TlsBroker.Contracts.V1;

namespace TlsBroker.Client;

/// <summary>
/// One <c>Connect</c> stream driven in lockstep: the broker answers every request with exactly
/// one response (DESIGN.md, "Lockstep"), so a request and its response form one exchange and
/// exchanges never overlap, even when a reader and a writer share the session. The records a
/// response carries are written to the transport inside the same exchange, so that they reach
/// the server in the order the broker produced them (TLS sequence numbers, RFC 8446 §5.3).
/// </summary>
internal sealed class LockstepBrokerCall : IAsyncDisposable
{
    private readonly AsyncDuplexStreamingCall<ConnectRequest, ConnectResponse> call;
    private readonly Stream transport;
    private readonly TimeSpan timeout;
    private readonly SemaphoreSlim turn = new(1, 1);
    private volatile bool interrupted;
    private byte[]? resumptionToken;

    public LockstepBrokerCall(AsyncDuplexStreamingCall<ConnectRequest, ConnectResponse> call, Stream transport, TimeSpan timeout)
    {
        this.call = call;
        this.transport = transport;
        this.timeout = timeout;
    }

    /// <summary>
    /// True once an exchange was cut short (timeout, cancellation, transport or gRPC failure):
    /// the stream may then hold an unread response, so no further exchange is possible.
    /// </summary>
    public bool Interrupted => interrupted;

    /// <summary>The latest resumption token the broker handed out on this call (any response may carry one); null before the first.</summary>
    public byte[]? ResumptionToken => Volatile.Read(ref resumptionToken);

    /// <summary>Sends <paramref name="request"/>, waits for its response and writes the response's records to the transport, within the timeout.</summary>
    public async Task<ConnectResponse> ExchangeAsync(ConnectRequest request, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        try
        {
            await turn.WaitAsync(bounded.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no turn to talk to the broker within {timeout.TotalSeconds:0.###} s");
        }

        var completed = false;
        try
        {
            if (interrupted)
            {
                throw new IOException("an earlier exchange with the broker was interrupted; the TLS session cannot continue");
            }

            var response = await ExchangeInTurnAsync(request, bounded.Token);
            if (!response.ResumptionToken.IsEmpty)
            {
                Volatile.Write(ref resumptionToken, response.ResumptionToken.ToByteArray());
            }

            completed = true;
            return response;
        }
        catch (Exception e) when (Cancellation.IsCancellation(e) && bounded.IsCancellationRequested)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"the broker did not answer within {timeout.TotalSeconds:0.###} s", e);
        }
        finally
        {
            interrupted |= !completed;
            turn.Release();
        }
    }

    /// <summary>Ends the request stream and waits, within the timeout, for the broker to end its side.</summary>
    public async Task CompleteAsync()
    {
        using var bounded = new CancellationTokenSource(timeout);
        await turn.WaitAsync(bounded.Token);
        try
        {
            await call.RequestStream.CompleteAsync().WaitAsync(bounded.Token);
            if (await call.ResponseStream.MoveNext(bounded.Token))
            {
                throw new IOException("the broker sent a response nobody asked for");
            }
        }
        finally
        {
            interrupted = true;
            turn.Release();
        }
    }

    /// <summary>Cancels the call if it is still open, which frees the session in the broker at once.</summary>
    public ValueTask DisposeAsync()
    {
        call.Dispose();
        turn.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<ConnectResponse> ExchangeInTurnAsync(ConnectRequest request, CancellationToken cancellationToken)
    {
        await call.RequestStream.WriteAsync(request, cancellationToken);
        if (!await call.ResponseStream.MoveNext(cancellationToken))
        {
            throw new RpcException(new Status(StatusCode.Internal, "the broker ended the stream without answering the last request"));
        }

        var response = call.ResponseStream.Current;
        if (!response.RecordsToSend.IsEmpty)
        {
            await transport.WriteAsync(response.RecordsToSend.Memory, cancellationToken);
            await transport.FlushAsync(cancellationToken);
        }

        return response;
    }
}
