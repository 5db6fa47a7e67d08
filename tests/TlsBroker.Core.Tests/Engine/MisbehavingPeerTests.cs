using TlsBroker.Core.Engine;
using TlsBroker.Core.Results;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;

namespace TlsBroker.Core.Tests.Engine;

/// <summary>
/// Peers that do not complete a TLS handshake. What the session reports is checked against what
/// <c>openssl s_client</c> (OpenSSL 3, the behavioural reference) reports against the same peer.
/// </summary>
[Trait("Category", "Functional")]
public sealed class MisbehavingPeerTests(RealPeerFixture fixture) : IClassFixture<RealPeerFixture>
{
    private static readonly SessionStart Localhost = new("localhost", []);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task Handshake_PeerSendsNonTlsBytes_FailsWithWrongVersionNumber(int fragmentSize)
    {
        await using var peer = ScriptedTcpPeer.Replying("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
        var (_, openSslReason) = OpenSslTool.ParseClientError(await OpenSslTool.ProbeWithClientAsync(peer.Port));

        var result = await HandshakeAsync(peer.Port, fragmentSize);

        Assert.Equal((-1, SslError.Ssl), (result.Ret, result.Error));
        Assert.Equal(openSslReason, result.Reason);
        Assert.True(result.Alert is { Sent: true, Fatal: true }, $"alert {result.Alert}");
    }

    /// <summary>Broken records in answer to the ClientHello; the reason, and a received alert, must be what OpenSSL reports.</summary>
    [Theory]
    [InlineData("oversized record", "16 03 03 FF FF", true)]
    [InlineData("unknown handshake type", "16 03 03 00 04 63 00 00 00", true)]
    [InlineData("application data before handshake", "17 03 03 00 05 01 02 03 04 05", true)]
    [InlineData("fatal handshake_failure alert", "15 03 03 00 02 02 28", false)]
    public async Task Handshake_PeerSendsBrokenRecord_FailsAsOpenSslDoes(string what, string hex, bool alertSent)
    {
        await using var peer = ScriptedTcpPeer.Replying(Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal)));
        var (openSslAlert, openSslReason) = OpenSslTool.ParseClientError(await OpenSslTool.ProbeWithClientAsync(peer.Port));

        var result = await HandshakeAsync(peer.Port, 1);

        Assert.True((-1, SslError.Ssl) == (result.Ret, result.Error), $"{what}: {result.Error} {result.Reason}");
        Assert.Equal(openSslReason, result.Reason);
        Assert.Equal(alertSent, result.Alert!.Sent);
        if (!alertSent)
        {
            Assert.Equal(openSslAlert, result.Alert.Description);
        }
    }

    /// <summary>
    /// Handshake messages whose lengths do not add up, or that pass a size limit: the alert sent must be the one
    /// OpenSSL sends to the same bytes (RFC 8446 §6.2: decode_error "a message could not be decoded because some field
    /// was out of the specified range or the length of the message was incorrect"), with a reason, never internal_error.
    /// </summary>
    [Theory]
    [InlineData("ServerHello shorter than its session id", "16 03 03 00 2A 02 00 00 26 03 03 1111111111111111111111111111111111111111111111111111111111111111 20 00 00 00", "length mismatch")]
    [InlineData("ServerHello longer than its fields", "16 03 03 00 4A 02 00 00 46 03 03 1111111111111111111111111111111111111111111111111111111111111111 00 13 01 00 00 00 0000000000000000000000000000000000000000000000000000000000000000", null)]
    [InlineData("handshake message of 16 MiB", "16 03 03 00 04 02 FF FF FF", "excessive message size")]
    [InlineData("certificate list longer than its message", "16 03 03 00 31 02 00 00 2D 03 03 1111111111111111111111111111111111111111111111111111111111111111 00 C0 2B 00 00 05 FF 01 00 01 00 16 03 03 00 0A 0B 00 00 06 00 FF FF 00 00 01", "length mismatch")]
    [InlineData("warning alerts in a row", "15 03 03 00 02 01 70 15 03 03 00 02 01 70 15 03 03 00 02 01 70 15 03 03 00 02 01 70 15 03 03 00 02 01 70 15 03 03 00 02 01 70", "too many warn alerts")]
    public async Task Handshake_PeerSendsMalformedHandshake_SendsTheAlertOpenSslSends(string what, string hex, string? openSslReason)
    {
        await using var peer = ScriptedTcpPeer.Replying(Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal)));
        var (_, reasonSeen) = OpenSslTool.ParseClientError(await OpenSslTool.ProbeWithClientAsync(peer.Port));

        var result = await HandshakeAsync(peer.Port, 1);

        var openSslAlert = Assert.Single(peer.AlertsRead.Take(1));
        Assert.True((-1, SslError.Ssl) == (result.Ret, result.Error), $"{what}: {result.Error} {result.Reason}");
        Assert.True(result.Alert is { Sent: true, Fatal: true }, $"{what}: alert {result.Alert}");
        Assert.Equal(openSslAlert, result.Alert.Description);
        Assert.DoesNotContain("internal error", result.Reason, StringComparison.Ordinal);
        if (openSslReason is not null)
        {
            Assert.Equal((openSslReason, openSslReason), (reasonSeen, result.Reason));
        }
    }

    /// <summary>More certificates than a Certificate message may carry: a verify failure with OpenSSL's chain-too-long number.</summary>
    [Fact]
    public async Task Handshake_PeerSendsElevenCertificates_FailsWithChainTooLong()
    {
        var leaf = fixture.Ecdsa.Leaf.Der;
        var entries = Enumerable.Repeat(leaf, 11).SelectMany(der => (byte[])[.. Uint24(der.Length), .. der]).ToArray();
        byte[] certificate = [0x0B, .. Uint24(entries.Length + 3), .. Uint24(entries.Length), .. entries];
        byte[] serverHello = [.. Convert.FromHexString("0200002D0303"), .. new byte[32], .. Convert.FromHexString("00C02B000005FF01000100")];
        await using var peer = ScriptedTcpPeer.Replying([.. Record(serverHello), .. Record(certificate)]);

        var result = await HandshakeAsync(peer.Port, 0);

        Assert.Equal((-1, SslError.Ssl, X509VerifyCode.CertChainTooLong), (result.Ret, result.Error, result.Verify.Code));
        Assert.Equal("certificate verify failed", result.Reason);
        Assert.True(result.Alert is { Sent: true, Fatal: true, Description: 48 }, $"alert {result.Alert}: OpenSSL's table sends unknown_ca for X509_V_ERR_CERT_CHAIN_TOO_LONG");
    }

    [Fact]
    public async Task Handshake_PeerHangsUpAfterClientHello_FailsWithUnexpectedEof()
    {
        await using var peer = ScriptedTcpPeer.HangingUp();
        var (_, openSslReason) = OpenSslTool.ParseClientError(await OpenSslTool.ProbeWithClientAsync(peer.Port));

        var result = await HandshakeAsync(peer.Port, 0);

        Assert.Equal((-1, SslError.Syscall), (result.Ret, result.Error));
        Assert.Equal(openSslReason, result.Reason);
        Assert.Null(result.Alert);
        Assert.Equal(2, peer.HellosRead);
    }

    [Theory]
    [InlineData("-tls1_1", "DEFAULT@SECLEVEL=0", 0)]
    [InlineData("-tls1_1", "DEFAULT@SECLEVEL=0", 1)]
    [InlineData("-tls1_2", "ECDHE-ECDSA-AES128-SHA256", 0)]
    [InlineData("-tls1_2", "ECDHE-ECDSA-AES128-SHA256", 1)]
    public async Task Handshake_ServerWithNothingInCommon_ReportsTheAlertOpenSslReceives(string versionFlag, string cipher, int fragmentSize)
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa, versionFlag, "-cipher", cipher);
        var (openSslAlert, openSslReason) = OpenSslTool.ParseClientError(await OpenSslTool.ProbeWithClientAsync(server.Port));

        var result = await HandshakeAsync(server.Port, fragmentSize);

        Assert.NotNull(openSslAlert);
        Assert.Equal((-1, SslError.Ssl), (result.Ret, result.Error));
        Assert.Equal((openSslAlert.Value, false, true), (result.Alert!.Description, result.Alert.Sent, result.Alert.Fatal));
        Assert.Equal(openSslReason, result.Reason);
    }

    private static byte[] Uint24(int value) => [(byte)(value >> 16), (byte)(value >> 8), (byte)value];

    private static byte[] Record(byte[] handshakeMessage) =>
        [0x16, 0x03, 0x03, (byte)(handshakeMessage.Length >> 8), (byte)handshakeMessage.Length, .. handshakeMessage];

    private async Task<StepResult> HandshakeAsync(int port, int fragmentSize)
    {
        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(RealPeerFixture.PolicyFor(fixture.Ecdsa), TimeProvider.System), port, fragmentSize);
        var result = await pump.HandshakeAsync(Localhost);
        Assert.Equal(SessionPhase.Closed, pump.Session.Phase);
        return result;
    }
}
