using System.Text;
using TlsBroker.Core.Engine;
using TlsBroker.Core.Results;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Core.Tests.Engine;

/// <summary>The session over TCP against a real <c>openssl s_server</c> on 127.0.0.1.</summary>
[Trait("Category", "Functional")]
public sealed class OpenSslPeerTests(RealPeerFixture fixture) : IClassFixture<RealPeerFixture>
{
    private static readonly SessionStart Localhost = new("localhost", []);

    /// <summary>
    /// s_server honours the client's order (no -serverpref), so the suite is the policy's first one
    /// for that version and key: the default policy prefers AES-128-GCM.
    /// </summary>
    public static TheoryData<string, string, int, string, string> Handshakes()
    {
        var data = new TheoryData<string, string, int, string, string>();
        foreach (var fragmentSize in new[] { 0, 1 })
        {
            data.Add("ecdsa", "-tls1_3", fragmentSize, "TLSv1.3", "TLS_AES_128_GCM_SHA256");
            data.Add("ecdsa", "-tls1_2", fragmentSize, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
            data.Add("rsa", "-tls1_3", fragmentSize, "TLSv1.3", "TLS_AES_128_GCM_SHA256");
            data.Add("rsa", "-tls1_2", fragmentSize, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Handshakes))]
    public async Task Handshake_OpenSslServer_EstablishesAndEchoes(string chainName, string versionFlag, int fragmentSize, string version, string suite)
    {
        var chain = chainName == "ecdsa" ? fixture.Ecdsa : fixture.Rsa;
        await using var server = await OpenSslServer.StartAsync(chain, versionFlag, "-rev");
        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(RealPeerFixture.PolicyFor(chain), TimeProvider.System), server.Port, fragmentSize);

        var result = await pump.HandshakeAsync(Localhost);
        var echo = await RoundTripAsync(pump, "hello, s_server");

        Assert.True(result.Ret == 1, $"{result.Error} {result.Reason}\n{server.Output}");
        var summary = result.Established!;
        Assert.Equal((version, suite, "x25519"), (summary.ProtocolVersion, summary.CipherSuite, summary.Group));
        Assert.Equal([chain.Leaf.Der, chain.Intermediate.Der], summary.PeerCertificates);
        Assert.Equal("revres_s ,olleh", echo);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task Handshake_ServerOnlyOnP384_RetriesWithSecp384r1(int fragmentSize)
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa, "-tls1_3", "-groups", "P-384");
        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(RealPeerFixture.PolicyFor(fixture.Ecdsa), TimeProvider.System), server.Port, fragmentSize);

        var result = await pump.HandshakeAsync(Localhost);

        Assert.True(result.Ret == 1, $"{result.Error} {result.Reason}\n{server.Output}");
        Assert.Equal(("TLSv1.3", "secp384r1"), (result.Established!.ProtocolVersion, result.Established.Group));
    }

    [Theory]
    [InlineData("-tls1_3")]
    [InlineData("-tls1_2")]
    public async Task Handshake_ServerAlpn_ReportsServerChoice(string versionFlag)
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa, versionFlag, "-alpn", "h2,http/1.1");
        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(RealPeerFixture.PolicyFor(fixture.Ecdsa), TimeProvider.System), server.Port);

        var result = await pump.HandshakeAsync(Localhost with { Alpn = ["http/1.1", "h2"] });

        Assert.True(result.Ret == 1, $"{result.Error} {result.Reason}\n{server.Output}");
        Assert.Equal("h2", result.Established!.Alpn);
    }

    [Theory]
    [InlineData("-tls1_3", 0)]
    [InlineData("-tls1_2", 0)]
    [InlineData("-tls1_3", 1)]
    public async Task Handshake_CertificateOver16KiB_SpansRecordsAndVerifies(string versionFlag, int fragmentSize)
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Big, versionFlag);
        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(RealPeerFixture.PolicyFor(fixture.Big), TimeProvider.System), server.Port, fragmentSize);

        var result = await pump.HandshakeAsync(Localhost);

        Assert.True(fixture.Big.Leaf.Der.Length > 16 * 1024, $"leaf is only {fixture.Big.Leaf.Der.Length} bytes");
        Assert.True(result.Ret == 1, $"{result.Error} {result.Reason}\n{server.Output}");
        Assert.Equal(fixture.Big.Leaf.Der, result.Established!.PeerCertificates[0]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task Read_LargeReversedReply_ArrivesWhole(int fragmentSize)
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa, "-rev");
        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(RealPeerFixture.PolicyFor(fixture.Ecdsa), TimeProvider.System), server.Port, fragmentSize);
        await pump.HandshakeAsync(Localhost);
        var line = string.Concat(Enumerable.Range(0, 1500).Select(i => (char)('a' + (i % 26))));

        var echo = await RoundTripAsync(pump, line);

        Assert.Equal(new string(line.Reverse().ToArray()), echo);
    }

    [Fact]
    public async Task Handshake_IpLiteral_VerifiesAgainstIpSan()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa);
        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(RealPeerFixture.PolicyFor(fixture.Ecdsa), TimeProvider.System), server.Port);

        var result = await pump.HandshakeAsync(new SessionStart("127.0.0.1", []));

        Assert.True(result.Ret == 1, $"{result.Error} {result.Reason} {result.Verify}\n{server.Output}");
    }

    [Fact]
    public async Task Handshake_WrongHost_SendsVerifyAlert()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa);
        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(RealPeerFixture.PolicyFor(fixture.Ecdsa), TimeProvider.System), server.Port);

        var result = await pump.HandshakeAsync(new SessionStart("wrong.example", []));

        Assert.Equal((-1, SslError.Ssl, X509VerifyCode.HostnameMismatch), (result.Ret, result.Error, result.Verify.Code));
        Assert.True(result.Alert is { Sent: true }, $"alert {result.Alert}");
        Assert.Equal("certificate verify failed", result.Reason);
    }

    /// <summary>
    /// No client certificate is offered. In TLS 1.3 the client's handshake ends with its Finished, so
    /// the server's certificate_required alert arrives in the data phase (RFC 8446 §4.4.2.4), as for OpenSSL.
    /// </summary>
    [Theory]
    [InlineData("-tls1_3", true)]
    [InlineData("-tls1_2", false)]
    public async Task Handshake_ServerRequiresClientCertificate_ReportsTheAlertOpenSslReceives(string versionFlag, bool establishedFirst)
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa, versionFlag, "-Verify", "1", "-verify_return_error");
        var (openSslAlert, openSslReason) = OpenSslTool.ParseClientError(await OpenSslTool.ProbeWithClientAsync(server.Port));
        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(RealPeerFixture.PolicyFor(fixture.Ecdsa), TimeProvider.System), server.Port);

        var handshake = await pump.HandshakeAsync(Localhost);
        var failure = establishedFirst && handshake.Ret == 1 ? await pump.ReadAsync() : handshake;

        Assert.Equal(establishedFirst ? 1 : -1, handshake.Ret);
        Assert.Equal((-1, SslError.Ssl), (failure.Ret, failure.Error));
        Assert.Equal((openSslAlert, false), (failure.Alert?.Description, failure.Alert?.Sent));
        Assert.Equal(openSslReason, failure.Reason);
        Assert.Equal(SessionPhase.Closed, pump.Session.Phase);
    }

    /// <summary>SSL_shutdown(3) both ways: ours gets 0, s_server answers with its close_notify, which reads as 0/ZERO_RETURN.</summary>
    [Theory]
    [InlineData("-tls1_3", 0)]
    [InlineData("-tls1_2", 1)]
    public async Task Shutdown_OpenSslServer_AnswersWithCloseNotify(string versionFlag, int fragmentSize)
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa, versionFlag);
        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(RealPeerFixture.PolicyFor(fixture.Ecdsa), TimeProvider.System), server.Port, fragmentSize);
        var handshake = await pump.HandshakeAsync(Localhost);
        Assert.True(handshake.Ret == 1, $"{handshake.Error} {handshake.Reason}\n{server.Output}");
        var callsBefore = pump.ReceiveCalls;

        var shutdown = await pump.ShutdownAsync();
        var end = await pump.ReadToEndAsync();

        Assert.Equal((0, SslError.None, false), (shutdown.Ret, shutdown.Error, shutdown.RecordsToSend.IsEmpty));
        Assert.Equal((0, SslError.ZeroReturn), (end.Ret, end.Error));
        Assert.Equal(SessionPhase.Closed, pump.Session.Phase);
        Assert.All(pump.Steps.SkipLast(1).Where(s => s != shutdown && s.Ret != 1), s => Assert.Equal(SslError.WantRead, s.Error));
        Assert.True(pump.ReceiveCalls > callsBefore, "the server's close_notify was never received");
    }

    /// <summary>Sends one line to s_server -rev and reads its reversed echo (s_server answers line by line).</summary>
    private static async Task<string> RoundTripAsync(EnginePump pump, string line)
    {
        var before = pump.Received.Length;
        var write = await pump.WriteAsync(Encoding.ASCII.GetBytes(line + "\n"));
        Assert.Equal(line.Length + 1, write.Ret);
        var result = await pump.ReadAtLeastAsync((int)before + line.Length + 1);
        Assert.True(result.Ret > 0, $"read: {result.Ret} {result.Error} {result.Reason}");
        return Encoding.ASCII.GetString(pump.Received.ToArray(), (int)before, line.Length);
    }
}
