using TlsBroker.Core.Engine;
using TlsBroker.Core.Results;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;

namespace TlsBroker.Core.Tests.Engine;

/// <summary>
/// Peers that do not complete a TLS handshake. What the session reports is checked against what
/// <c>openssl s_client</c> (OpenSSL 3, the behavioural reference) reports against the same peer.
/// </summary>
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

    private async Task<StepResult> HandshakeAsync(int port, int fragmentSize)
    {
        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(RealPeerFixture.PolicyFor(fixture.Ecdsa), TimeProvider.System), port, fragmentSize);
        var result = await pump.HandshakeAsync(Localhost);
        Assert.Equal(SessionPhase.Closed, pump.Session.Phase);
        return result;
    }
}
