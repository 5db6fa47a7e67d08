using Grpc.Core;
using TlsBroker.Contracts.V1;

namespace TlsBroker.Client;

/// <summary>
/// Reads a <c>Connect</c> stream's responses while requests are unanswered and exits when none are, so that an idle
/// session holds no pending read. Writes the records each response carries to the transport before handing the
/// response over, so that they reach the server in the order the broker produced them (TLS sequence numbers, RFC 8446 §5.3).
/// </summary>
internal sealed class ResponsePump(
    IAsyncStreamReader<ConnectResponse> responses, Stream transport, UnansweredRequests requests, string broker, Action<byte[]> tokenIssued, CancellationToken disposing)
{
    /// <summary>Answers requests until none is due. Never throws: a failure interrupts the call instead.</summary>
    public async Task RunAsync()
    {
        // Starts on the sender's stack, inside its lock and turn, and leaves it at the first read of a response, which
        // waits: the broker answers only a request that is written, which the sender does next (a call that failed
        // instead ends the pump there, at once). Yielding first cost a thread-pool hop at every restart, which on the
        // read path is every exchange.
        try
        {
            while (requests.TryPeekOldest(out var answer))
            {
                if (!await MoveNextAsync())
                {
                    throw new BrokerException(broker, StatusCode.Internal, "the broker ended the stream without answering the last request", null);
                }

                var response = responses.Current;
                if (!response.RecordsToSend.IsEmpty)
                {
                    await transport.WriteAsync(response.RecordsToSend.Memory, disposing);
                    await transport.FlushAsync(disposing);
                }

                if (!response.ResumptionToken.IsEmpty)
                {
                    tokenIssued(response.ResumptionToken.ToByteArray());
                }

                requests.RemoveOldest();
                answer.TrySetResult(response);
            }
        }
        catch (Exception e)
        {
            requests.PumpFailed(e);
        }
    }

    private async Task<bool> MoveNextAsync()
    {
        try
        {
            return await responses.MoveNext(disposing);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw BrokerErrors.FromCallIo(e, broker);
        }
    }
}
