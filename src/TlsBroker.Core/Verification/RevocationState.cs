namespace TlsBroker.Core.Verification;

/// <summary>What one source of revocation information says about one certificate.</summary>
internal enum RevocationState
{
    Good,
    Revoked,

    /// <summary>No usable answer: missing, stale, badly signed, for another certificate, or "unknown".</summary>
    Unavailable,
}
