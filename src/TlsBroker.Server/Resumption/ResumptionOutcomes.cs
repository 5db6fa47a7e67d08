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
}
