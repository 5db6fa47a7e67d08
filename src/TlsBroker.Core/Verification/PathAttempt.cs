using TlsBroker.Core.Results;

namespace TlsBroker.Core.Verification;

/// <summary>What checking one candidate path gave, and how far it got.</summary>
/// <param name="Outcome">The first failure in OpenSSL's order, or OK.</param>
/// <param name="ChecksPassed">How many of the verifier's steps (build, extensions, algorithms, identity, revocation, signatures and times, name constraints, pins) the path passed.</param>
/// <param name="Length">Certificates in the path.</param>
/// <param name="Validity">When the path is valid, for a path that verified.</param>
/// <param name="Path">The path checked, DER, leaf first.</param>
/// <param name="Pins">The pins' result on it.</param>
internal sealed record PathAttempt(VerifyOutcome Outcome, int ChecksPassed, int Length, PathValidity Validity, IReadOnlyList<byte[]> Path, PinCheck Pins)
{
    /// <summary>
    /// The path that got furthest is the one whose error is reported when none verifies: the one
    /// that passed more steps, then the longer one; on a tie the one tried first, the most promising.
    /// </summary>
    public bool IsFurtherThan(PathAttempt other) =>
        ChecksPassed != other.ChecksPassed ? ChecksPassed > other.ChecksPassed : Length > other.Length;
}
