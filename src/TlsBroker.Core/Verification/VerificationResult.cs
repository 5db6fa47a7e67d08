using TlsBroker.Core.Results;

namespace TlsBroker.Core.Verification;

/// <summary>Everything one verification found: the verdict, the path it is about and the pins' result.</summary>
/// <param name="Outcome">The verdict, numbered as OpenSSL 3 numbers it.</param>
/// <param name="Path">
/// DER, leaf first. Accepted: the verified path, the trust anchor last. Rejected: the path whose error is
/// reported (the one that got furthest), as far as it was built, so that <see cref="VerifyOutcome.Depth"/>
/// indexes it; empty when the failure came before any path (a certificate that does not parse, a weak leaf key).
/// </param>
/// <param name="Pins">The policy's pins on that path.</param>
public sealed record VerificationResult(VerifyOutcome Outcome, IReadOnlyList<byte[]> Path, PinCheck Pins);
