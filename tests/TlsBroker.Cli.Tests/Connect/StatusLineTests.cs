using System.Security.Cryptography.X509Certificates;
using TlsBroker.Cli.Connect;
using TlsBroker.Client;

namespace TlsBroker.Cli.Tests.Connect;

[Trait("Category", "Unit")]
public sealed class StatusLineTests
{
    [Fact]
    public void Established_NegotiatedSession_ListsVersionCipherGroupAlpnAndVerify()
    {
        var info = Session(alpn: "h2");

        Assert.Equal(
            "ret=1 error=SSL_ERROR_NONE version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 group=x25519 alpn=h2 verify=0",
            StatusLine.Established(info));
    }

    [Fact]
    public void Established_NoAlpnNegotiated_SaysNone()
    {
        Assert.Contains(" alpn=none ", StatusLine.Established(Session(alpn: null)), StringComparison.Ordinal);
    }

    [Fact]
    public void HandshakeFailed_VerifyFailureWithAlertSent_ShowsAlertVerifyAndReason()
    {
        var result = new BrokerTlsResult
        {
            Ret = -1,
            Error = SslErrorCode.Ssl,
            Alert = new BrokerTlsAlert(42, "bad_certificate", Sent: true, Fatal: true),
            Verify = new BrokerTlsVerifyResult(62, "X509_V_ERR_HOSTNAME_MISMATCH", 0),
            Reason = "certificate verify failed: hostname mismatch",
        };

        Assert.Equal(
            "ret=-1 error=SSL_ERROR_SSL alert=bad_certificate(42) sent verify=62 reason=\"certificate verify failed: hostname mismatch\"",
            StatusLine.HandshakeFailed(result));
    }

    [Fact]
    public void HandshakeFailed_AlertFromServer_SaysReceivedAndVerifyZero()
    {
        var result = new BrokerTlsResult
        {
            Ret = -1,
            Error = SslErrorCode.Ssl,
            Alert = new BrokerTlsAlert(40, "handshake_failure", Sent: false, Fatal: true),
            Reason = "sslv3 alert handshake failure",
        };

        Assert.Equal(
            "ret=-1 error=SSL_ERROR_SSL alert=handshake_failure(40) received verify=0 reason=\"sslv3 alert handshake failure\"",
            StatusLine.HandshakeFailed(result));
    }

    [Fact]
    public void SessionEnded_CloseNotify_IsZeroReturnOnly()
    {
        var result = new BrokerTlsResult { Ret = 0, Error = SslErrorCode.ZeroReturn };

        Assert.Equal("ret=0 error=SSL_ERROR_ZERO_RETURN", StatusLine.SessionEnded(result));
    }

    [Fact]
    public void SessionEnded_EofWithoutCloseNotify_IsSyscallWithBrokerReason()
    {
        var result = new BrokerTlsResult { Ret = -1, Error = SslErrorCode.Syscall, Reason = "unexpected eof while reading" };

        Assert.Equal("ret=-1 error=SSL_ERROR_SYSCALL reason=\"unexpected eof while reading\"", StatusLine.SessionEnded(result));
    }

    [Fact]
    public void SessionEnded_EofWithoutReason_UsesOpenSslWording()
    {
        var result = new BrokerTlsResult { Ret = -1, Error = SslErrorCode.Syscall };

        Assert.Equal("ret=-1 error=SSL_ERROR_SYSCALL reason=\"unexpected eof while reading\"", StatusLine.SessionEnded(result));
    }

    [Fact]
    public void SessionEnded_FatalAlertReceived_ShowsAlert()
    {
        var result = new BrokerTlsResult
        {
            Ret = -1,
            Error = SslErrorCode.Ssl,
            Alert = new BrokerTlsAlert(20, "bad_record_mac", Sent: false, Fatal: true),
            Reason = "bad record mac",
        };

        Assert.Equal("ret=-1 error=SSL_ERROR_SSL alert=bad_record_mac(20) received reason=\"bad record mac\"", StatusLine.SessionEnded(result));
    }

    [Fact]
    public void HandshakeFailed_ReasonWithQuotesAndNewline_StaysOneLine()
    {
        var result = new BrokerTlsResult { Ret = -1, Error = SslErrorCode.Ssl, Reason = "say \"no\"\nthen \\ stop" };

        var line = StatusLine.HandshakeFailed(result);

        Assert.EndsWith("reason=\"say \\\"no\\\"\\nthen \\\\ stop\"", line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
    }

    private static BrokerTlsSessionInfo Session(string? alpn) => new()
    {
        ProtocolVersion = "TLSv1.3",
        CipherSuite = "TLS_AES_256_GCM_SHA384",
        Group = "x25519",
        Alpn = alpn,
        PeerCertificates = Array.Empty<X509Certificate2>(),
        Verify = BrokerTlsVerifyResult.Ok,
    };
}
