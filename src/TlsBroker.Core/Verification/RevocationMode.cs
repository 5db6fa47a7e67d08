namespace TlsBroker.Core.Verification;

/// <summary>How a policy treats revocation information (<c>Revocation:Mode</c>).</summary>
public enum RevocationMode
{
    /// <summary>No revocation checking, no status_request.</summary>
    Off,

    /// <summary>A definite "revoked" fails; missing, stale or unverifiable information is accepted and reported.</summary>
    SoftFail,

    /// <summary>Every checked certificate needs a fresh, verified "good".</summary>
    HardFail,
}
