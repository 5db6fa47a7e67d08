namespace TlsBroker.Server.Reload;

/// <summary>How one reload ended: applied (with what changed), rejected (with every problem), or nothing to change.</summary>
internal sealed record ReloadResult(string Outcome, ConfigurationChange? Change, IReadOnlyList<string> Problems)
{
    public const string AppliedOutcome = "applied";
    public const string RejectedOutcome = "rejected";
    public const string UnchangedOutcome = "unchanged";

    public static ReloadResult Unchanged { get; } = new(UnchangedOutcome, null, []);

    public static ReloadResult Applied(ConfigurationChange change) => new(AppliedOutcome, change, []);

    public static ReloadResult Rejected(IReadOnlyList<string> problems) => new(RejectedOutcome, null, problems);
}
