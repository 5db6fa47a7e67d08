using Grpc.Core;
using TlsBroker.Contracts.V1;
using TlsBroker.Core.Engine;

namespace TlsBroker.Server.Service;

/// <summary>Reads a call's next request, waiting no longer than the session's current deadline (<see cref="SessionDeadlines"/>).</summary>
/// <param name="responsesUnread">Whether responses still wait for the caller to read them (it then is silent because it stopped reading).</param>
internal sealed class RequestReader(IAsyncStreamReader<ConnectRequest> requests, ReadTimeout timeout, SessionDeadlines deadlines, Func<bool> responsesUnread)
{
    /// <summary>The next request; null when the caller half-closed. DEADLINE_EXCEEDED when the caller stays silent too long.</summary>
    public async Task<ConnectRequest?> ReadNextAsync(SessionPhase? phase)
    {
        var cancelled = timeout.Arm(deadlines.Remaining(phase));

        // Checked after the timer is armed, so that time passing in between cannot be missed.
        if (deadlines.HasPassed(phase))
        {
            throw deadlines.Exceeded(phase, responsesUnread());
        }

        try
        {
            var more = await requests.MoveNext(cancelled);
            timeout.Disarm();
            deadlines.RequestArrived();
            return more ? requests.Current : null;
        }
        catch (OperationCanceledException) when (timeout.Expired)
        {
            throw deadlines.Exceeded(phase, responsesUnread());
        }
    }
}
