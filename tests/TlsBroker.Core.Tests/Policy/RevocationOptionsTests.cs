using TlsBroker.Core.Policy;
using TlsBroker.Core.Results;
using TlsBroker.Testing.Pki;
using TlsBroker.Core.Verification;

namespace TlsBroker.Core.Tests.Policy;

/// <summary>Revocation as written in configuration: default off, modes, CRL files and folders, every bad value reported at once.</summary>
[Trait("Category", "Functional")]
public sealed class RevocationOptionsTests(RevocationPkiFixture fixture) : IClassFixture<RevocationPkiFixture>
{
    [Fact]
    public void Create_NoRevocation_OffWithoutStatusRequest()
    {
        var policy = TlsPolicy.Create("revocation", Options());

        Assert.Equal(RevocationMode.Off, policy.Verifier.Revocation.Mode);
        Assert.False(policy.Verifier.Revocation.RequestsOcsp);
    }

    [Theory]
    [InlineData("soft-fail", RevocationMode.SoftFail)]
    [InlineData(" Hard-Fail ", RevocationMode.HardFail)]
    public void Create_ModeWithStapling_ThatModeRequestingOcsp(string mode, RevocationMode expected)
    {
        var options = Options();
        options.Revocation = new RevocationOptions { Mode = mode };

        var revocation = TlsPolicy.Create("revocation", options).Verifier.Revocation;

        Assert.Equal((expected, true), (revocation.Mode, revocation.RequestsOcsp));
    }

    [Fact]
    public void Create_CrlFileAndFolder_EveryCrlLoadedAndListedAsReferencedFiles()
    {
        var folder = fixture.Pki.PathOf("crl-folder");
        Directory.CreateDirectory(folder);
        File.Copy(fixture.Pki.ForeignCrlPath, Path.Combine(folder, "foreign.pem"), overwrite: true);
        File.Copy(fixture.Pki.OtherCaCrlPath, Path.Combine(folder, "other.crl"), overwrite: true);
        var options = Options();
        options.Revocation = new RevocationOptions { Mode = "hard-fail", OcspStapling = false, CrlFiles = [fixture.Pki.CrlPath], CrlFolder = folder };

        var revocation = TlsPolicy.Create("revocation", options).Verifier.Revocation;

        Assert.Equal(3, revocation.Lists.Crls.Count);
        Assert.False(revocation.RequestsOcsp);
        Assert.Contains(fixture.Pki.CrlPath, options.ReferencedFiles());
        Assert.Contains(folder, options.ReferencedFiles());
    }

    [Fact]
    public void Create_EveryBadRevocationValue_AllProblemsAtOnce()
    {
        var notACrl = fixture.Pki.PathOf("not-a-crl.pem");
        File.WriteAllText(notACrl, "no CRL here\n");
        var options = Options();
        options.Revocation = new RevocationOptions
        {
            Mode = "strictest",
            CrlFiles = [fixture.Pki.PathOf("missing.crl"), notACrl],
            CrlFolder = fixture.Pki.PathOf("no-such-folder"),
        };

        var error = Assert.Throws<PolicyConfigurationException>(() => TlsPolicy.Create("revocation", options));

        Assert.Equal(4, error.Problems.Count);
        Assert.Contains(error.Problems, p => p.Contains("Revocation:Mode 'strictest'", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("missing.crl", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("not-a-crl.pem", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("no-such-folder", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("off", true, "Mode is off")]
    [InlineData("hard-fail", false, "no source of revocation information")]
    public void Create_InconsistentSources_IsAProblem(string mode, bool withCrl, string expected)
    {
        var options = Options();
        options.Revocation = new RevocationOptions { Mode = mode, OcspStapling = false, CrlFiles = withCrl ? [fixture.Pki.CrlPath] : [] };

        var error = Assert.Throws<PolicyConfigurationException>(() => TlsPolicy.Create("revocation", options));

        Assert.Contains(expected, Assert.Single(error.Problems), StringComparison.Ordinal);
    }

    /// <summary>RFC 6066 §8 / OpenSSL's status callback rejection: bad_certificate_status_response for every stapling result.</summary>
    [Theory]
    [InlineData(X509VerifyCode.OcspVerifyNeeded)]
    [InlineData(X509VerifyCode.OcspVerifyFailed)]
    [InlineData(X509VerifyCode.OcspCertUnknown)]
    public void VerifyAlertFor_StaplingResult_BadCertificateStatusResponse(X509VerifyCode code)
    {
        Assert.Equal(113, VerifyAlert.For(code));
    }

    private TlsPolicyOptions Options() => new() { TrustAnchors = fixture.Pki.CaPath };
}
