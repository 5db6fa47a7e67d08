using System.Security.Cryptography.X509Certificates;

namespace TlsBroker.Core.Verification;

/// <summary>One path path building proposes, leaf first.</summary>
/// <param name="Certificates">The path; the last one is a trust anchor when <paramref name="EndsAtAnchor"/>.</param>
/// <param name="EndsAtAnchor">False for a dead end: no untried certificate can issue the last one.</param>
/// <param name="TooLong">The path reached the policy's maximum length (<see cref="ChainRequirements.MaxPathLength"/>) without an anchor.</param>
internal sealed record CandidatePath(IReadOnlyList<X509Certificate2> Certificates, bool EndsAtAnchor, bool TooLong);
