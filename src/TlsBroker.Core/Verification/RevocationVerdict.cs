using TlsBroker.Core.Results;

namespace TlsBroker.Core.Verification;

/// <summary>The revocation step's result for one path.</summary>
/// <param name="Failure">The failure to report, or null.</param>
/// <param name="Unverified">Under soft-fail, the first certificate whose status could not be established, or null.</param>
/// <param name="CurrentUntil">Unix seconds after which the answers that passed are no longer current, or null when nothing was checked.</param>
internal sealed record RevocationVerdict(VerifyOutcome? Failure, VerifyOutcome? Unverified, long? CurrentUntil)
{
    public static RevocationVerdict NotChecked { get; } = new(null, null, null);
}
