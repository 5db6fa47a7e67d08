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

        if (Revocation(settings, out error) is not { } revocation)
        {
            return null;
        }

        var verifier = new CertificateVerifier(anchors, requirements: new ChainRequirements([settings.ExtendedKeyUsage], settings.MaxDepth), revocation: revocation)
        {
            AnyAnchorEndsAPath = true,
            IdentityOptional = true,
        };
        var at = settings.At ?? DateTimeOffset.UtcNow;
        // The names as a Verify request's expected_identities: one of each kind suffices, every kind given is required
        // (OpenSSL's check_id); with none, no name is checked.
        var expectation = new IdentityExpectation(null, [.. identities.All]);
        return ToVerdict(verifier.Check(chain, expectation, at));
    }

    /// <summary>
    /// openssl verify -crl_check_all: with CRLs given, a certificate whose revocation cannot be decided fails (hard-fail);
    /// there is no stapled response offline.
    /// </summary>
    private static RevocationPolicy? Revocation(OfflineVerifySettings settings, out string? error)
    {
        error = null;
        if (settings.CrlFiles.Count == 0)
        {
            return RevocationPolicy.Off;
        }

        var problems = new List<string>();
        var options = new Core.Policy.RevocationOptions { Mode = "hard-fail", OcspStapling = false, CrlFiles = [.. settings.CrlFiles] };
        if (RevocationPolicy.Parse(options, problems) is { } revocation && problems.Count == 0)
        {
            return revocation;
        }

        error = $"tlsbroker: --crl: {string.Join("; ", problems)}";
        return null;
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
