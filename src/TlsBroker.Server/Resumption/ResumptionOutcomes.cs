using TlsBroker.Core.Results;

namespace TlsBroker.Server.Resumption;

/// <summary>The outcome names of resumption tokens in metrics and logs.</summary>
internal static class ResumptionOutcomes
{
    public const string Issued = "issued";

    public const string Accepted = "accepted";

    public static string Rejected(TokenRejection rejection) => rejection switch
    {
        TokenRejection.Malformed => "malformed",
        TokenRejection.UnknownKey => "unknown_key",
        TokenRejection.NotAuthentic => "not_authentic",
        TokenRejection.Expired => "expired",
        TokenRejection.UnreadableState => "unreadable_state",
        _ => throw new ArgumentOutOfRangeException(nameof(rejection), rejection, null),
    };

    /// <summary>An accepted token whose state the handshake did not resume with.</summary>
    public static string NotResumed(OfferedResumption offered) => offered switch
    {
        OfferedResumption.DeclinedByServer => "declined_by_server",
        OfferedResumption.NotOfferable => "not_offerable",
        OfferedResumption.Unusable => "unusable_state",
        OfferedResumption.ChainRejected => "chain_rejected",
        _ => throw new ArgumentOutOfRangeException(nameof(offered), offered, null),
    };
}
