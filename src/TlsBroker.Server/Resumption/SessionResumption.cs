using Microsoft.Extensions.Logging;
using TlsBroker.Core.Results;
using TlsBroker.Core.Resumption;
using TlsBroker.Server.Logging;
using TlsBroker.Server.Telemetry;

namespace TlsBroker.Server.Resumption;

/// <summary>
/// A session's resumption tokens: opens the one its Start brought, and seals the states the engine's steps report
/// (<see cref="StepResult.Resumption"/>) for its caller, as <see cref="Mapping.ConnectResponseMapper"/> builds each response.
/// </summary>
internal sealed class SessionResumption(ResumptionTokens tokens, ResumptionScope scope, BrokerMetrics metrics, ILogger logger, string sessionId)
{
    /// <summary>The outcome names of tokens in metrics and logs (README, metrics table).</summary>
    private const string Issued = "issued";

    private const string Accepted = "accepted";

    /// <summary>A token that cannot be trusted is not an error: the handshake is a full one, and the reason is logged and counted.</summary>
    public ResumptionState? Open(ReadOnlySpan<byte> token)
    {
        if (token.IsEmpty || !tokens.IsActive)
        {
            return null;
        }

        if (!tokens.TryOpen(scope, token, out var state, out var rejection))
        {
            var outcome = RejectedName(rejection);
            metrics.ResumptionToken(outcome);
            BrokerLog.ResumptionTokenRejected(logger, sessionId, outcome);
            return null;
        }

        metrics.ResumptionToken(Accepted);
        return state;
    }

    /// <summary>
    /// The token for the state a step reported, to ride on that step's response: at Established for TLS 1.2 (and for a
    /// resumed session), and after the handshake with every TLS 1.3 NewSessionTicket (RFC 8446 §4.6.1). Null when the step
    /// reported none, or the state has expired. An accepted token the handshake did not resume with is logged and counted.
    /// </summary>
    public byte[]? TokenFor(ResumptionOutcome? outcome)
    {
        if (outcome is null || !tokens.IsActive)
        {
            return null;
        }

        if (outcome.Offered is { } offered and not OfferedResumption.Resumed)
        {
            var notUsed = NotResumedName(offered);
            metrics.ResumptionToken(notUsed);
            BrokerLog.ResumptionTokenNotUsed(logger, sessionId, notUsed);
        }

        if (outcome.Resumable is not { } state || tokens.Seal(scope, state) is not { } token)
        {
            return null;
        }

        metrics.ResumptionToken(Issued);
        return token;
    }

    /// <summary>Why a token was not opened.</summary>
    internal static string RejectedName(TokenRejection rejection) => rejection switch
    {
        TokenRejection.Malformed => "malformed",
        TokenRejection.UnknownKey => "unknown_key",
        TokenRejection.NotAuthentic => "not_authentic",
        TokenRejection.Expired => "expired",
        TokenRejection.UnreadableState => "unreadable_state",
        _ => throw new ArgumentOutOfRangeException(nameof(rejection), rejection, null),
    };

    /// <summary>Why an opened token's state was not resumed with.</summary>
    internal static string NotResumedName(OfferedResumption offered) => offered switch
    {
        OfferedResumption.DeclinedByServer => "declined_by_server",
        OfferedResumption.NotOfferable => "not_offerable",
        OfferedResumption.Unusable => "unusable_state",
        OfferedResumption.ChainRejected => "chain_rejected",
        _ => throw new ArgumentOutOfRangeException(nameof(offered), offered, null),
    };
}
