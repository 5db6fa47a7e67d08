using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TlsBroker.Core.Results;

namespace TlsBroker.Core.Verification;

/// <summary>
/// WebPKI-style verification of a server's chain against one policy's trust anchors, with the
/// result numbered as OpenSSL 3 numbers it.
/// </summary>
/// <remarks>
/// <see cref="PathBuilder"/> proposes candidate paths (RFC 4158, depth-first with backtracking, within
/// <see cref="PathBudget"/>) until one passes every check; when none does, the error of the path that
/// got furthest (<see cref="PathAttempt.IsFurtherThan"/>) is reported. On each candidate .NET's
/// <see cref="X509Chain"/> only checks signatures and name constraints; every other rule is checked
/// here on the path's certificates, in the order
/// OpenSSL 3's X509_verify_cert reports them (crypto/x509/x509_vfy.c: leaf key level, build_chain,
/// check_extensions, check_auth_level, check_id, check_revocation, internal_verify, check_name_constraints), so the
/// first failure has the number and depth OpenSSL would give it. Where our rules are stricter
/// (no subject CN fallback, no partial-label wildcards, no CA certificate as the leaf) the stricter
/// rule reports at the step where OpenSSL would have applied it.
/// </remarks>
public sealed class CertificateVerifier(
    TrustAnchors trustAnchors, VerifiedChainCache? cache = null, ServerPins? pins = null, ChainRequirements? requirements = null, RevocationPolicy? revocation = null)
{
    /// <summary>The DER of the certificates cached paths hold that were not sent (trust anchors), shared by the entries.</summary>
    private readonly ConcurrentDictionary<string, byte[]> anchorDer = new(StringComparer.Ordinal);

    public TrustAnchors TrustAnchors { get; } = trustAnchors;

    /// <summary>The policy's required extended key usages and maximum depth; part of the cache key.</summary>
    public ChainRequirements Requirements { get; } = requirements ?? ChainRequirements.Default;

    /// <summary>The policy's revocation checking (off by default); part of the cache key.</summary>
    public RevocationPolicy Revocation { get; } = revocation ?? RevocationPolicy.Off;

    /// <summary>
    /// The policy's pins, or null. They are part of every verification, so a cached success (same
    /// verifier, so same pins) is one that passed them.
    /// </summary>
    public ServerPins? Pins { get; } = pins;

    /// <summary>Successful verifications reused by later calls, or null when the policy turned the cache off.</summary>
    public VerifiedChainCache? Cache { get; } = cache;

    /// <summary>
    /// A fixed time to verify at instead of the clock's, for tests only (the policy's ValidationTime, which the
    /// broker accepts only when allowed); null verifies at the time the caller passes.
    /// </summary>
    public DateTimeOffset? ValidationTime { get; init; }

    /// <summary>
    /// Every trust anchor ends a path, self-signed or not (OpenSSL's verify -partial_chain), as <c>tlsbroker verify
    /// --trust</c> asks; false (a policy's verifier) ends paths only at self-signed anchors, as an OpenSSL TLS client.
    /// </summary>
    public bool AnyAnchorEndsAPath { get; init; }

    /// <summary>
    /// With no identity to prove (no server name, no required identity), no name is checked, as <c>openssl verify</c>
    /// without <c>-verify_hostname</c>, for <c>tlsbroker verify --trust</c>; false (a policy's verifier) fails closed.
    /// </summary>
    public bool IdentityOptional { get; init; }

    /// <summary>Verifies <paramref name="chainDer"/> (as sent: the server's own certificate first) for <paramref name="identity"/> at <paramref name="now"/>.</summary>
    /// <param name="stapledOcsp">The DER OCSP response the server stapled for its certificate, or null.</param>
    public VerifyOutcome Verify(IReadOnlyList<byte[]> chainDer, ServerIdentity identity, DateTimeOffset now, byte[]? stapledOcsp = null) =>
        Check(chainDer, IdentityExpectation.For(identity), now, stapledOcsp).Outcome;

    /// <summary>
    /// Verifies <paramref name="chainDer"/> for every identity of <paramref name="identity"/> and the policy's own
    /// (<see cref="ChainRequirements.Identities"/>) at <paramref name="now"/>.
    /// </summary>
    /// <param name="stapledOcsp">The DER OCSP response the server stapled for its certificate, or null.</param>
    public VerifyOutcome Verify(IReadOnlyList<byte[]> chainDer, IdentityExpectation identity, DateTimeOffset now, byte[]? stapledOcsp = null) =>
        Check(chainDer, identity, now, stapledOcsp).Outcome;

    /// <summary>
    /// Verifies <paramref name="chainDer"/> (as sent: the server's own certificate first) for every identity of
    /// <paramref name="identity"/> and the policy's own at <paramref name="now"/> (or at <see cref="ValidationTime"/>),
    /// and says which path and which pin the verdict is about.
    /// </summary>
    /// <param name="stapledOcsp">The DER OCSP response the server stapled for its certificate, or null.</param>
    public VerificationResult Check(IReadOnlyList<byte[]> chainDer, IdentityExpectation identity, DateTimeOffset now, byte[]? stapledOcsp = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(chainDer.Count, nameof(chainDer));
        var at = ValidationTime ?? now;
        var stapled = Revocation.RequestsOcsp ? stapledOcsp : null;
        if (Cache is null)
        {
            return VerifyPath(chainDer, identity, at, stapled, out _);
        }

        var key = VerifiedChainKey.Compute(chainDer, identity, Requirements, Revocation.Fingerprint, stapled);
        if (Cache.TryHit(key, at, out var cached, out var pins))
        {
            return new VerificationResult(VerifyOutcome.Ok, cached.Rebuild(chainDer), pins);
        }

        var result = VerifyPath(chainDer, identity, at, stapled, out var validity);

        // A success whose revocation status was not established is not stored, so that every session reports it.
        if (result.Outcome.IsOk && result.Outcome.RevocationUnverified is null)
        {
            Cache.Add(key, validity, CachedPath.From(result.Path, chainDer, anchorDer), result.Pins, at);
        }

        return result;
    }

    private VerificationResult VerifyPath(IReadOnlyList<byte[]> chainDer, IdentityExpectation identity, DateTimeOffset now, byte[]? stapledOcsp, out PathValidity validity)
    {
        validity = default;
        var sent = new List<X509Certificate2>(chainDer.Count);
        try
        {
            for (var depth = 0; depth < chainDer.Count; depth++)
            {
                if (!TryLoad(chainDer[depth], out var certificate))
                {
                    return Unbuilt(VerifyFailure.At(X509VerifyCode.Unspecified, depth, "the certificate does not parse as DER X.509"));
                }

                sent.Add(certificate);
            }

            // OpenSSL 3 x509_verify_x509: "If the peer's public key is too weak, we can stop early."
            if (!AlgorithmStrength.IsKeyStrongEnough(sent[0], out var leafKey))
            {
                return Unbuilt(VerifyFailure.At(X509VerifyCode.EeKeyTooSmall, 0, $"the server's key is {leafKey}"));
            }

            var builder = new PathBuilder(sent, TrustAnchors, now, Requirements.MaxPathLength);
            PathAttempt? furthest = null;
            foreach (var candidate in builder.Paths())
            {
                var attempt = Check(candidate, sent[0], identity, now, stapledOcsp);
                if (attempt.Outcome.IsOk)
                {
                    validity = attempt.Validity;
                    return new VerificationResult(attempt.Outcome, attempt.Path, attempt.Pins);
                }

                if (furthest is null || attempt.IsFurtherThan(furthest))
                {
                    furthest = attempt;
                }
            }

            if (furthest is null)
            {
                return Unbuilt(VerifyFailure.At(X509VerifyCode.UnableToGetIssuerCertLocally, 0, "no candidate path was tried"));
            }

            var outcome = builder.Budget.Exhausted
                ? furthest.Outcome with { Reason = $"{furthest.Outcome.Reason}; {builder.Budget.Describe()}" }
                : furthest.Outcome;
            return new VerificationResult(outcome, furthest.Path, furthest.Pins);
        }
        catch (CryptographicException e)
        {
            // A certificate that loads but whose key or extensions OpenSSL's X509_verify_cert cannot decode (behind .NET's
            // X509Chain): OpenSSL ends that verification with X509_V_ERR_UNSPECIFIED ("unable to get certs public key",
            // "invalid certificate"), and so does the broker, instead of letting the exception end the handshake unnamed.
            return Unbuilt(VerifyFailure.At(X509VerifyCode.Unspecified, 0, $"the chain cannot be processed: {e.Message}"));
        }
        finally
        {
            foreach (var certificate in sent)
            {
                certificate.Dispose();
            }
        }
    }

    private VerificationResult Unbuilt(VerifyOutcome failure) =>
        new(failure, [], Pins is null ? PinCheck.NotConfigured : PinCheck.NotChecked);

    /// <summary>One candidate path through every check, in OpenSSL 3's order, stopping at the first failure.</summary>
    private PathAttempt Check(CandidatePath candidate, X509Certificate2 leaf, IdentityExpectation identity, DateTimeOffset now, byte[]? stapledOcsp)
    {
        var notChecked = Pins is null ? PinCheck.NotConfigured : PinCheck.NotChecked;
        if (candidate.TooLong)
        {
            var top = candidate.Certificates.Count - 1;
            return new PathAttempt(
                VerifyFailure.At(X509VerifyCode.CertChainTooLong, top, $"no trust anchor within {Requirements.MaxPathLength} certificates (MaxDepth: at most {Requirements.MaxDepth} intermediate(s))"),
                0,
                candidate.Certificates.Count,
                default,
                Der(candidate.Certificates),
                notChecked);
        }

        using var path = CertificatePath.Build(candidate, TrustAnchors, now, keyIdentifiersVeto: Requirements.Profile == VerificationProfile.Strict, partialChain: AnyAnchorEndsAPath);
        var revocation = RevocationVerdict.NotChecked;
        Func<VerifyOutcome?>[] steps =
        [
            () => path.Untrusted,
            () => ExtensionRules.Check(path.Certificates, Requirements),
            () => CheckAlgorithms(path.Certificates),
            () => IdentityOptional && identity.ServerName is null && identity.Required.Count == 0 ? null : IdentityCheck.Check(leaf, identity, Requirements.Identities),

            // OpenSSL 3 verify_chain runs check_revocation here, after check_id and before internal_verify.
            () => (revocation = Revocation.Check(path.Certificates, stapledOcsp, now)).Failure,
            () => path.CheckSignaturesAndTimes(now),
            () => path.CheckNameConstraints(),
        ];
        var certificates = path.Certificates.Count > 0 ? path.Certificates.Select(facts => facts.Certificate).ToList() : candidate.Certificates;
        for (var passed = 0; passed < steps.Length; passed++)
        {
            if (steps[passed]() is { } failure)
            {
                return new PathAttempt(failure, passed, path.Certificates.Count, default, Der(certificates), notChecked);
            }
        }

        var validity = revocation.CurrentUntil is { } until
            ? path.Validity with { EarliestNotAfter = Math.Min(path.Validity.EarliestNotAfter, until) }
            : path.Validity;
        var ok = revocation.Unverified is { } unverified ? VerifyOutcome.Ok with { RevocationUnverified = unverified } : VerifyOutcome.Ok;
        if (Pins is null)
        {
            return new PathAttempt(ok, steps.Length + 1, path.Certificates.Count, validity, Der(certificates), PinCheck.NotConfigured);
        }

        // OpenSSL has no pin check of its own; the same test in OpenSSL is DANE (RFC 7671) with TLSA records
        // "PKIX-TA(0)/PKIX-EE(1) SPKI(1) SHA2-256(1)", matched against the validated path, whose failure is
        // X509_V_ERR_DANE_NO_MATCH; ssl_x509err2alert sends bad_certificate for it. X509_V_ERR_APPLICATION_VERIFICATION
        // would say less and send handshake_failure.
        var pins = Pins.Check(certificates);
        return pins.Status == PinStatus.Matched
            ? new PathAttempt(ok, steps.Length + 1, path.Certificates.Count, validity, Der(certificates), pins)
            : new PathAttempt(
                VerifyFailure.At(X509VerifyCode.DaneNoMatch, 0, $"no certificate of the verified path has a key pinned by the policy (Pins: {Pins.Values.Count} pin-sha256 value(s))"),
                steps.Length,
                path.Certificates.Count,
                default,
                Der(certificates),
                pins);
    }

    private static byte[][] Der(IReadOnlyList<X509Certificate2> certificates) => certificates.Select(certificate => certificate.RawData).ToArray();

    /// <summary>
    /// OpenSSL 3 check_auth_level: the key of every CA in the path, and the signature of every
    /// certificate but the anchor's own.
    /// </summary>
    private static VerifyOutcome? CheckAlgorithms(IReadOnlyList<CertificateFacts> path)
    {
        for (var depth = 0; depth < path.Count; depth++)
        {
            var certificate = path[depth].Certificate;
            if (depth > 0 && !AlgorithmStrength.IsKeyStrongEnough(certificate, out var key))
            {
                return VerifyFailure.At(X509VerifyCode.CaKeyTooSmall, depth, $"the key of '{certificate.Subject}' is {key}");
            }

            if (depth < path.Count - 1 && !AlgorithmStrength.IsSignatureStrongEnough(certificate, out var algorithm))
            {
                return VerifyFailure.At(X509VerifyCode.CaMdTooWeak, depth, $"'{certificate.Subject}' is signed with {algorithm}");
            }
        }

        return null;
    }

    private static bool TryLoad(byte[] der, [NotNullWhen(true)] out X509Certificate2? certificate)
    {
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(der);
            return true;
        }
        catch (CryptographicException)
        {
            certificate = null;
            return false;
        }
    }
}
