using System.Globalization;
using TlsBroker.Core.Verification;

namespace TlsBroker.Cli.Verify;

/// <summary><c>tlsbroker verify --trust</c>: the broker's own <see cref="CertificateVerifier"/>, in this process, without a cache or pins.</summary>
internal static class OfflineVerifier
{
    /// <returns>The verdict; null with <paramref name="error"/> (a usage error) when the trust file gives no anchor.</returns>
    public static VerifyVerdict? Run(OfflineVerifySettings settings, ExpectedIdentities identities, IReadOnlyList<byte[]> chain, out string? error)
    {
        TrustAnchors anchors;
        try
        {
            anchors = TrustAnchors.Load(settings.TrustFile);
        }
        catch (InvalidOperationException e)
        {
            error = $"tlsbroker: --trust {settings.TrustFile}: {e.Message}";
            return null;
        }

        error = null;
        var verifier = new CertificateVerifier(anchors, requirements: new ChainRequirements([settings.ExtendedKeyUsage], settings.MaxDepth)) { AnyAnchorEndsAPath = true, IdentityOptional = true };
        var at = settings.At ?? DateTimeOffset.UtcNow;
        // The names as a Verify request's expected_identities: one of each kind suffices, every kind given is required
        // (OpenSSL's check_id); with none, no name is checked.
        var expectation = new IdentityExpectation(null, identities.Kinds.SelectMany(kind => kind).Select(ExpectedIdentity.For).ToList());
        return ToVerdict(verifier.Check(chain, expectation, at));
    }

    private static VerifyVerdict ToVerdict(VerificationResult result) => new(
        (int)result.Outcome.Code, result.Outcome.Depth, result.Outcome.Reason, result.Path, Describe(result.Pins));

    internal static string Describe(PinCheck pins) => pins.Status switch
    {
        PinStatus.Matched => string.Create(CultureInfo.InvariantCulture, $"matched at depth {pins.Depth} (pin-sha256 {pins.Pin})"),
        PinStatus.NoMatch => "no certificate of the path has a pinned key",
        PinStatus.NotChecked => "not checked (an earlier check failed)",
        _ => "none configured",
    };
}
