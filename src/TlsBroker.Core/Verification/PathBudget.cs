namespace TlsBroker.Core.Verification;

/// <summary>
/// The fixed amount of work path building may do for one verification, so that a server sending
/// hundreds of candidate issuers or long loops gets an answer in bounded time (RFC 4158 §5 leaves
/// the bound to the implementation; Go's crypto/x509 stops after 100 signature checks, Chromium's
/// path builder after a fixed number of steps).
/// </summary>
internal sealed class PathBudget
{
    /// <summary>Complete candidate paths (up to an anchor or a dead end) the verifier checks in full.</summary>
    public const int MaxCandidatePaths = 32;

    /// <summary>Signatures checked to order candidate issuers; past it candidates are tried in their cheap order.</summary>
    public const int MaxSignatureChecks = 100;

    /// <summary>Certificates whose candidate issuers are looked up, over the whole search.</summary>
    public const int MaxIssuerLookups = 1024;

    /// <summary>
    /// Certificates in one path, trust anchor included: OpenSSL's default verify depth of 100
    /// intermediates (X509_VERIFY_PARAM_set_depth(3)), plus the leaf and the anchor; a policy's
    /// MaxDepth may only lower it.
    /// </summary>
    public const int MaxPathLength = ChainRequirements.DefaultMaxDepth + 2;

    public int CandidatePaths { get; private set; }

    public int SignatureChecks { get; private set; }

    public int IssuerLookups { get; private set; }

    /// <summary>The search stopped with candidates left untried.</summary>
    public bool Exhausted { get; private set; }

    public bool TryTakeCandidatePath()
    {
        if (CandidatePaths >= MaxCandidatePaths)
        {
            Exhausted = true;
            return false;
        }

        CandidatePaths++;
        return true;
    }

    public bool TryTakeIssuerLookup()
    {
        if (IssuerLookups >= MaxIssuerLookups)
        {
            Exhausted = true;
            return false;
        }

        IssuerLookups++;
        return true;
    }

    /// <summary>False once the signature budget is spent; that alone does not stop the search.</summary>
    public bool TryTakeSignatureCheck()
    {
        if (SignatureChecks >= MaxSignatureChecks)
        {
            return false;
        }

        SignatureChecks++;
        return true;
    }

    public string Describe() =>
        $"path building stopped at its budget after {CandidatePaths} candidate path(s), {IssuerLookups} issuer lookup(s) and {SignatureChecks} signature check(s) (at most {MaxCandidatePaths}, {MaxIssuerLookups} and {MaxSignatureChecks})";
}
