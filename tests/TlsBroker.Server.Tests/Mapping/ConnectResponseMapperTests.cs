using TlsBroker.Contracts.V1;
using TlsBroker.Core.Results;
using TlsBroker.Server.Mapping;
using CoreSslError = TlsBroker.Core.Results.SslError;
using WireSslError = TlsBroker.Contracts.V1.SslError;

namespace TlsBroker.Server.Tests.Mapping;

[Trait("Category", "Unit")]
public sealed class ConnectResponseMapperTests
{
    [Theory]
    [InlineData(CoreSslError.None, WireSslError.None)]
    [InlineData(CoreSslError.Ssl, WireSslError.Ssl)]
    [InlineData(CoreSslError.WantRead, WireSslError.WantRead)]
    [InlineData(CoreSslError.WantWrite, WireSslError.WantWrite)]
    [InlineData(CoreSslError.Syscall, WireSslError.Syscall)]
    [InlineData(CoreSslError.ZeroReturn, WireSslError.ZeroReturn)]
    public void ToResponse_EachSslError_SameOpenSslNumberOnTheWire(CoreSslError error, WireSslError expected)
    {
        var response = ConnectResponseMapper.ToResponse(new StepResult { Ret = -1, Error = error });

        Assert.Equal(expected, response.Error);
    }

    [Fact]
    public void ToResponse_VerifyFailureWithSentAlert_EveryFieldMapped()
    {
        var result = new StepResult
        {
            RecordsToSend = new byte[] { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x2a },
            Ret = -1,
            Error = CoreSslError.Ssl,
            Alert = new TlsAlert(42, "bad_certificate", Fatal: true, Sent: true),
            Verify = new VerifyOutcome(X509VerifyCode.HostnameMismatch, 0, "hostname mismatch"),
            Reason = "certificate verify failed",
        };

        var response = ConnectResponseMapper.ToResponse(result);

        Assert.Equal(result.RecordsToSend.ToArray(), response.RecordsToSend.ToByteArray());
        Assert.Equal(-1, response.Ret);
        Assert.Equal(new Alert { Description = 42, Name = "bad_certificate", Level = AlertLevel.Fatal, Sent = true }, response.Alert);
        Assert.Equal(new VerifyResult { Code = 62, Name = "X509_V_ERR_HOSTNAME_MISMATCH", Depth = 0 }, response.Verify);
        Assert.Equal("certificate verify failed", response.Reason);
        Assert.Null(response.Established);
    }

    [Fact]
    public void ToResponse_ReceivedWarningAlert_WarningLevelNotSent()
    {
        var result = new StepResult { Ret = 0, Error = CoreSslError.ZeroReturn, Alert = new TlsAlert(0, "close_notify", Fatal: false, Sent: false) };

        var alert = ConnectResponseMapper.ToResponse(result).Alert;

        Assert.Equal(AlertLevel.Warning, alert.Level);
        Assert.False(alert.Sent);
    }

    [Fact]
    public void ToResponse_Established_SummaryMapped()
    {
        byte[][] chain = [[1, 2, 3], [4, 5]];
        var summary = new HandshakeSummary("TLSv1.3", "TLS_AES_128_GCM_SHA256", "x25519", null, chain, Resumed: false, TimeSpan.FromMilliseconds(12.5));

        var response = ConnectResponseMapper.ToResponse(new StepResult { Ret = 1, Error = CoreSslError.None, Established = summary });

        Assert.Equal("TLSv1.3", response.Established.ProtocolVersion);
        Assert.Equal("TLS_AES_128_GCM_SHA256", response.Established.CipherSuite);
        Assert.Equal("x25519", response.Established.Group);
        Assert.Equal(string.Empty, response.Established.Alpn);
        Assert.Equal(chain, response.Established.PeerCertificates.Select(der => der.ToByteArray()));
        Assert.Equal(TimeSpan.FromMilliseconds(12.5), response.Established.HandshakeDuration.ToTimeSpan());
        Assert.Equal(new VerifyResult { Code = 0, Name = "X509_V_OK" }, response.Verify);
    }
}
