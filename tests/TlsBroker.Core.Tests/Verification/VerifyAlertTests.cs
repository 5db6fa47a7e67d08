using TlsBroker.Core.Results;
using TlsBroker.Core.Verification;

namespace TlsBroker.Core.Tests.Verification;

/// <summary>Rows copied from OpenSSL 3's ssl_x509err2alert table (ssl/statem/statem_lib.c).</summary>
[Trait("Category", "Unit")]
public sealed class VerifyAlertTests
{
    [Theory]
    [InlineData(X509VerifyCode.CertHasExpired, 45)]
    [InlineData(X509VerifyCode.CertNotYetValid, 42)]
    [InlineData(X509VerifyCode.HostnameMismatch, 42)]
    [InlineData(X509VerifyCode.IpAddressMismatch, 42)]
    [InlineData(X509VerifyCode.DepthZeroSelfSignedCert, 48)]
    [InlineData(X509VerifyCode.SelfSignedCertInChain, 48)]
    [InlineData(X509VerifyCode.UnableToGetIssuerCertLocally, 48)]
    [InlineData(X509VerifyCode.InvalidCa, 48)]
    [InlineData(X509VerifyCode.PathLengthExceeded, 48)]
    [InlineData(X509VerifyCode.CertChainTooLong, 48)]
    [InlineData(X509VerifyCode.InvalidPurpose, 43)]
    [InlineData(X509VerifyCode.CertSignatureFailure, 51)]
    [InlineData(X509VerifyCode.EeKeyTooSmall, 42)]
    [InlineData(X509VerifyCode.CaKeyTooSmall, 42)]
    [InlineData(X509VerifyCode.CaMdTooWeak, 42)]
    [InlineData(X509VerifyCode.CertRevoked, 44)]
    [InlineData(X509VerifyCode.Unspecified, 80)]
    public void For_CodeInOpenSslTable_ThatAlert(X509VerifyCode code, int alert)
    {
        Assert.Equal(alert, VerifyAlert.For(code));
    }

    [Theory]
    [InlineData(X509VerifyCode.KeyusageNoCertsign)]
    [InlineData(X509VerifyCode.UnhandledCriticalExtension)]
    [InlineData(X509VerifyCode.PermittedViolation)]
    [InlineData(X509VerifyCode.ExcludedViolation)]
    public void For_CodeNotInOpenSslTable_CertificateUnknown(X509VerifyCode code)
    {
        Assert.Equal(46, VerifyAlert.For(code));
    }
}
