using Microsoft.Extensions.Logging;
using TlsBroker.Core.Engine;
using TlsBroker.Core.Resumption;
using TlsBroker.Server.Logging;
using TlsBroker.Server.Resumption;
using TlsBroker.Server.Telemetry;

namespace TlsBroker.Server.Service;

/// <summary>A session's resumption tokens: the one its Start brought, and those sealed for its caller as its state changes.</summary>
internal sealed class SessionResumption(ResumptionTokens tokens, ResumptionScope scope, BrokerMetrics metrics, ILogger logger, string sessionId)
{
    private int tokenUpdates;
    private byte[]? issuedToken;

    /// <summary>A token that cannot be trusted is not an error: the handshake is a full one, and the reason is logged and counted.</summary>
    public ResumptionState? Open(ReadOnlySpan<byte> token)
    {
        if (token.IsEmpty || !tokens.IsActive)
        {
            return null;
        }

        if (!tokens.TryOpen(scope, token, out var state, out var rejection))
        {
            var outcome = ResumptionOutcomes.Rejected(rejection);
            metrics.ResumptionToken(outcome);
            BrokerLog.ResumptionTokenRejected(logger, sessionId, outcome);
            return null;
        }

        metrics.ResumptionToken(ResumptionOutcomes.Accepted);
        return state;
    }

    /// <summary>
    /// Seals the session's state whenever it changed: at Established for TLS 1.2 (and for a resumed
    /// session), and after the handshake with every TLS 1.3 NewSessionTicket (RFC 8446 §4.6.1), so
    /// the token rides on the response to the Received that carried the ticket.
    /// </summary>
    public void IssueIfUpdated(TlsClientSession session)
    {
        var updates = session.ResumptionUpdates;
        if (updates == tokenUpdates || !tokens.IsActive)
        {
            return;
        }

        tokenUpdates = updates;
        if (session.ExportResumption() is { } state)
        {
            issuedToken = tokens.Seal(scope, state);
            if (issuedToken is not null)
            {
                metrics.ResumptionToken(ResumptionOutcomes.Issued);
            }
        }
    }

    /// <summary>The token sealed since the last response, once: it rides on the next response only.</summary>
    public byte[]? TakeIssued()
    {
        var token = issuedToken;
        issuedToken = null;
        return token;
    }
}
