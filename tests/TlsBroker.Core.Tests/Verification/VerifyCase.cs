using TlsBroker.Core.Results;

namespace TlsBroker.Core.Tests.Verification;

/// <summary>One row of the verification matrix.</summary>
/// <param name="Name">What the row is about; also its key in the theory data.</param>
/// <param name="Build">Makes the chain, the anchors and the expected name.</param>
/// <param name="ShouldFail">False only for rows that must verify.</param>
/// <param name="StricterThanOpenSsl">
/// Set only where our rules are deliberately stricter than OpenSSL 3: the number we report then,
/// and the row also checks that OpenSSL indeed reports something else. Null: OpenSSL is the oracle.
/// </param>
public sealed record VerifyCase(
    string Name,
    Func<ChainFactory, ChainUnderTest> Build,
    bool ShouldFail = true,
    X509VerifyCode? StricterThanOpenSsl = null);
