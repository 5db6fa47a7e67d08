using Grpc.Core;
using Microsoft.Extensions.Logging;
using TlsBroker.Server.Audit;
using TlsBroker.Server.Logging;
using TlsBroker.Server.Sessions;

namespace TlsBroker.Server.Service;

/// <summary>
/// A session's slot and its end: the slot is taken at Start and given back exactly once, as soon as
/// the session closes or its stream ends, however it ends; the first gRPC status it ends with goes to
/// the audit, and its close is logged once.
/// </summary>
internal sealed class SessionLifecycle(ActiveSessions activeSessions, SessionAudit audit, ILogger logger, string sessionId)
{
    private bool started;
    private bool holdsSlot;
    private bool closeLogged;

    /// <summary>The most sessions the broker holds at once, as configured now.</summary>
    public int SlotLimit => activeSessions.Limit;

    /// <summary>Takes a slot for the session; false when every slot is taken.</summary>
    public bool TryStart()
    {
        if (!activeSessions.TryAcquire())
        {
            return false;
        }

        started = true;
        holdsSlot = true;
        return true;
    }

    /// <summary>Frees the slot and logs how the session ended (<paramref name="status"/>: the gRPC status the stream ends with).</summary>
    public void End(string outcome, StatusCode status = StatusCode.OK)
    {
        audit.EndedWith(status);
        if (started && !closeLogged)
        {
            closeLogged = true;
            BrokerLog.SessionClosed(logger, sessionId, outcome);
        }

        if (holdsSlot)
        {
            holdsSlot = false;
            activeSessions.Release();
        }
    }
}
