using System.Text;
using Microsoft.Extensions.Time.Testing;
using Org.BouncyCastle.Tls;
using TlsBroker.Core.Engine;
using TlsBroker.Core.Policy;
using TlsBroker.Core.Results;
using TlsBroker.Core.Verification;

namespace TlsBroker.Core.Tests.Engine;

/// <summary>The session against BouncyCastle's TlsServerProtocol in memory, whole and in 1-byte pieces.</summary>
[Trait("Category", "Unit")]
public sealed class TlsClientSessionInMemoryTests(EngineChainFixture fixture) : IClassFixture<EngineChainFixture>
{
    private static readonly SessionStart Localhost = new("localhost", []);

    public static TheoryData<string, int> Handshakes()
    {
        var data = new TheoryData<string, int>();
        foreach (var scenario in HandshakeScenarios.Keys)
        {
            data.Add(scenario, 0);
            data.Add(scenario, 1);
        }

        return data;
    }

    private static Dictionary<string, (InMemoryServerOptions Server, SessionStart Start, string Version, string Suite, string Group, string? Alpn)> HandshakeScenarios { get; } = new()
    {
        ["tls13"] = (new(), Localhost, "TLSv1.3", "TLS_AES_128_GCM_SHA256", "x25519", null),
        ["tls12"] = (new() { Versions = ProtocolVersion.TLSv12.Only() }, Localhost, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "x25519", null),
        ["tls12-p256"] = (new() { Versions = ProtocolVersion.TLSv12.Only(), Groups = [NamedGroup.secp256r1] }, Localhost, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "secp256r1", null),
        ["hello-retry-request"] = (new() { Groups = [NamedGroup.secp384r1] }, Localhost, "TLSv1.3", "TLS_AES_128_GCM_SHA256", "secp384r1", null),
        ["alpn"] = (new() { Alpn = ["h2"] }, Localhost with { Alpn = ["http/1.1", "h2"] }, "TLSv1.3", "TLS_AES_128_GCM_SHA256", "x25519", "h2"),
        ["ip-literal"] = (new(), new SessionStart("127.0.0.1", []), "TLSv1.3", "TLS_AES_128_GCM_SHA256", "x25519", null),
    };

    [Theory]
    [MemberData(nameof(Handshakes))]
    public void Handshake_Scenario_EstablishesWithNegotiatedParameters(string scenario, int fragmentSize)
    {
        var (server, start, version, suite, group, alpn) = HandshakeScenarios[scenario];
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System);
        var pump = new InMemoryPump(session, new InMemoryTlsServer(fixture.Chain, server), fragmentSize);

        var result = pump.Handshake(start);

        Assert.Equal((1, SslError.None), (result.Ret, result.Error));
        Assert.Equal(SessionPhase.Established, session.Phase);
        var summary = Assert.IsType<HandshakeSummary>(result.Established);
        Assert.Equal((version, suite, group, alpn), (summary.ProtocolVersion, summary.CipherSuite, summary.Group, summary.Alpn));
        Assert.Equal([fixture.Chain.Leaf.Der, fixture.Chain.Intermediate.Der], summary.PeerCertificates);
        Assert.False(summary.Resumed);
        Assert.True(result.Verify.IsOk);
        if (fragmentSize == 1)
        {
            Assert.True(pump.ReceiveCalls > 100, $"only {pump.ReceiveCalls} Receive calls");
        }
    }

    [Theory]
    [InlineData("localhost", "localhost")]
    [InlineData("LocalHost.", "localhost")]
    [InlineData("127.0.0.1", null)]
    public void Start_ServerName_SendsSniOnlyForDnsNames(string serverName, string? expectedSni)
    {
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System);
        var pump = new InMemoryPump(session, new InMemoryTlsServer(fixture.Chain, new()), 0);

        var result = pump.Handshake(new SessionStart(serverName, []));

        Assert.Equal(1, result.Ret);
        Assert.Equal(expectedSni, pump.Server.ReceivedSni);
    }

    [Fact]
    public void Start_AlreadyParsedServerName_SendsItsSni()
    {
        Assert.True(ServerIdentity.TryParse("LocalHost.", out var identity, out var error), error);
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System);
        var pump = new InMemoryPump(session, new InMemoryTlsServer(fixture.Chain, new()), 0);

        var result = pump.Handshake(new SessionStart(identity!, []));

        Assert.Equal(1, result.Ret);
        Assert.Equal("localhost", pump.Server.ReceivedSni);
    }

    [Fact]
    public void Start_ParsedServerNameChangedWithWith_ParsesTheNewName()
    {
        Assert.True(ServerIdentity.TryParse("localhost", out var identity, out var error), error);
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System);

        var misuse = Assert.Throws<SessionMisuseException>(() => session.Start(new SessionStart(identity!, []) with { ServerName = "not a name" }));

        Assert.Contains("not a name", misuse.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Receive_ServerAlert_ReportsReceivedAlert(int fragmentSize)
    {
        using var session = new TlsClientSession(fixture.Tls13OnlyPolicy, TimeProvider.System);
        var server = new InMemoryTlsServer(fixture.Chain, new() { Versions = ProtocolVersion.TLSv12.Only() });
        var pump = new InMemoryPump(session, server, fragmentSize);

        var result = pump.Handshake(Localhost);

        Assert.Equal((-1, SslError.Ssl), (result.Ret, result.Error));
        Assert.Equal(new TlsAlert(AlertDescription.protocol_version, "protocol_version", Fatal: true, Sent: false), result.Alert);
        Assert.Equal("tlsv1 alert protocol version", result.Reason);
        Assert.Equal(SessionPhase.Closed, session.Phase);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Receive_UntrustedChain_SendsVerifyAlertWithOutcome(int fragmentSize)
    {
        using var session = new TlsClientSession(fixture.StrangerPolicy, TimeProvider.System);
        var pump = new InMemoryPump(session, new InMemoryTlsServer(fixture.Chain, new()), fragmentSize);
        var identity = Identity("localhost");
        var expected = fixture.StrangerPolicy.Verifier.Verify([fixture.Chain.Leaf.Der, fixture.Chain.Intermediate.Der], identity, DateTimeOffset.UtcNow);

        var result = pump.Handshake(Localhost);

        Assert.False(expected.IsOk);
        Assert.Equal((-1, SslError.Ssl), (result.Ret, result.Error));
        Assert.Equal(expected.Code, result.Verify.Code);
        Assert.Equal((VerifyAlert.For(expected.Code), true), (result.Alert!.Description, result.Alert.Sent));
        Assert.Equal("certificate verify failed", result.Reason);
        Assert.Equal((short)VerifyAlert.For(expected.Code), pump.Server.AlertReceived);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Receive_WriteThenServerReply_RoundTripsPlaintext(int fragmentSize)
    {
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System);
        var pump = Established(session, fragmentSize);

        var write = pump.Forward(session.Write("ping"u8));
        var atServer = pump.ServerRead();
        pump.ServerProtocol.WriteApplicationData("pong"u8.ToArray(), 0, 4);
        pump.ServerProtocol.WriteApplicationData("!!"u8.ToArray(), 0, 2);
        var reply = ReadAll(pump, 6);

        Assert.Equal((4, SslError.None), (write.Ret, write.Error));
        Assert.Equal("ping", Encoding.ASCII.GetString(atServer));
        Assert.Equal("pong!!", reply);
    }

    [Fact]
    public void Start_Localhost_ReturnsClientHelloAndWantRead()
    {
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System);

        var result = session.Start(Localhost);

        var hello = result.RecordsToSend.Span;
        Assert.Equal((-1, SslError.WantRead), (result.Ret, result.Error));
        Assert.Equal((22, 3, 1), (hello[0], hello[1], hello[5]));
        Assert.Equal(hello.Length - 5, (hello[3] << 8) | hello[4]);
        Assert.Equal(SessionPhase.Handshaking, session.Phase);
    }

    [Fact]
    public void Write_100KiB_ArrivesWholeAtServer()
    {
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System);
        var pump = Established(session, 0);
        var data = new byte[100 * 1024];
        Random.Shared.NextBytes(data);

        var write = pump.Forward(session.Write(data));

        Assert.Equal(data.Length, write.Ret);
        Assert.Equal(data, pump.ServerRead());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Receive_TamperedRecord_SendsBadRecordMac(int fragmentSize)
    {
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System);
        var pump = Established(session, fragmentSize);
        pump.ServerProtocol.WriteApplicationData("secret"u8.ToArray(), 0, 6);
        var record = new byte[pump.ServerProtocol.GetAvailableOutputBytes()];
        pump.ServerProtocol.ReadOutput(record, 0, record.Length);
        record[^1] ^= 0x01;

        var result = fragmentSize == 0
            ? session.Receive(record, false)
            : record.Select(b => session.Receive([b], false)).First(r => r.Error != SslError.WantRead);

        Assert.Equal((-1, SslError.Ssl), (result.Ret, result.Error));
        Assert.Equal(new TlsAlert(AlertDescription.bad_record_mac, "bad_record_mac", Fatal: true, Sent: true), result.Alert);
        Assert.Equal("decryption failed or bad record mac", result.Reason);
        Assert.True(result.Plaintext.IsEmpty);
        Assert.Equal(SessionPhase.Closed, session.Phase);
    }

    [Fact]
    public void Receive_TwoRecordsInOneCall_ReturnsBoth()
    {
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System);
        var pump = Established(session, 0);
        pump.ServerProtocol.WriteApplicationData("one,"u8.ToArray(), 0, 4);
        pump.ServerProtocol.WriteApplicationData("two"u8.ToArray(), 0, 3);

        var result = pump.DeliverToClient();

        Assert.Equal((7, SslError.None), (result.Ret, result.Error));
        Assert.Equal("one,two", Encoding.ASCII.GetString(result.Plaintext.Span));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Receive_ServerCloseNotify_ReturnsZeroReturnWithOurCloseNotify(int fragmentSize)
    {
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System);
        var pump = Established(session, fragmentSize);
        pump.ServerProtocol.Close();

        var result = pump.DeliverToClient();

        Assert.Equal((0, SslError.ZeroReturn), (result.Ret, result.Error));
        Assert.False(result.RecordsToSend.IsEmpty);
        Assert.Equal(SessionPhase.Closed, session.Phase);
    }

    [Fact]
    public void Shutdown_ThenServerCloseNotify_SendsOneCloseNotifyAndEndsWithZeroReturn()
    {
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System);
        var pump = Established(session, 0);

        var shutdown = pump.Forward(session.Shutdown());
        var phaseAfterShutdown = session.Phase;
        var end = pump.DeliverToClient();

        Assert.Equal((0, SslError.None), (shutdown.Ret, shutdown.Error));
        Assert.False(shutdown.RecordsToSend.IsEmpty);
        Assert.Equal(SessionPhase.ShuttingDown, phaseAfterShutdown);
        Assert.Equal(AlertDescription.close_notify, pump.Server.AlertReceived);
        Assert.Equal((0, SslError.ZeroReturn), (end.Ret, end.Error));
        Assert.True(end.RecordsToSend.IsEmpty);
        Assert.Equal(SessionPhase.Closed, session.Phase);
    }

    [Fact]
    public void Receive_DataAfterShutdown_StillDecrypts()
    {
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System);
        var pump = Established(session, 0);
        pump.ServerProtocol.WriteApplicationData("late"u8.ToArray(), 0, 4);

        pump.Forward(session.Shutdown());
        var result = pump.DeliverToClient();

        Assert.Equal("late", Encoding.ASCII.GetString(result.Plaintext.Span));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Receive_EndOfStreamWithoutCloseNotify_ReturnsSyscall(bool established)
    {
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System);
        if (established)
        {
            Established(session, 0);
        }
        else
        {
            session.Start(Localhost);
        }

        var result = session.Receive([], endOfStream: true);

        Assert.Equal((-1, SslError.Syscall), (result.Ret, result.Error));
        Assert.Equal("unexpected eof while reading", result.Reason);
        Assert.Equal(SessionPhase.Closed, session.Phase);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Receive_NonTlsBytes_SendsAlertWithWrongVersionNumber(int fragmentSize)
    {
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System);
        session.Start(Localhost);
        var garbage = "HTTP/1.1 400 Bad Request\r\n\r\n"u8.ToArray();

        var result = fragmentSize == 0
            ? session.Receive(garbage, false)
            : garbage.Select(b => session.Receive([b], false)).First(r => r.Error != SslError.WantRead);

        Assert.Equal((-1, SslError.Ssl), (result.Ret, result.Error));
        Assert.True(result.Alert is { Sent: true, Fatal: true }, $"alert {result.Alert}");
        Assert.Equal("wrong version number", result.Reason);
        var record = result.RecordsToSend.ToArray();
        Assert.Equal((21, 2, 2, result.Alert!.Description), (record[0], record[4], record[5], record[6]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Receive_CloseNotifyDuringHandshake_ReturnsZeroAsSslConnectDoes(int fragmentSize)
    {
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System);
        session.Start(Localhost);
        byte[] closeNotify = [21, 3, 3, 0, 2, 1, 0];

        var result = fragmentSize == 0
            ? session.Receive(closeNotify, false)
            : closeNotify.Select(b => session.Receive([b], false)).First(r => r.Error != SslError.WantRead);

        Assert.Equal((0, SslError.ZeroReturn), (result.Ret, result.Error));
        Assert.Equal(new TlsAlert(AlertDescription.close_notify, "close_notify", Fatal: false, Sent: false), result.Alert);
        Assert.True(result.RecordsToSend.IsEmpty);
        Assert.Equal(SessionPhase.Closed, session.Phase);
    }

    /// <summary>A policy built around Create has nothing to offer: BouncyCastle fails, the session still ends with a result.</summary>
    [Fact]
    public void Start_PolicyWithNothingToOffer_EndsWithSslResultInsteadOfThrowing()
    {
        var empty = fixture.Policy with { CipherSuites = [], Groups = [], SignatureSchemes = [] };
        using var session = new TlsClientSession(empty, TimeProvider.System);

        var result = session.Start(Localhost);

        Assert.Equal((-1, SslError.Ssl), (result.Ret, result.Error));
        Assert.StartsWith("internal error", result.Reason, StringComparison.Ordinal);
        Assert.Equal(SessionPhase.Closed, session.Phase);
    }

    [Fact]
    public void Start_Handshake_MeasuresDurationWithInjectedTime()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var session = new TlsClientSession(fixture.Policy, time);
        var pump = new InMemoryPump(session, new InMemoryTlsServer(fixture.Chain, new()), 0);

        pump.Forward(session.Start(Localhost));
        time.Advance(TimeSpan.FromMilliseconds(1234));
        var result = pump.DeliverToClient();

        Assert.Equal(TimeSpan.FromMilliseconds(1234), result.Established!.Duration);
    }

    public static TheoryData<string> Misuses() => new(MisuseCases.Keys);

    private static Dictionary<string, (Action<TlsClientSession, InMemoryPump> Arrange, Action<TlsClientSession> Act)> MisuseCases { get; } = new()
    {
        ["receive-before-start"] = ((_, _) => { }, s => s.Receive([1], false)),
        ["write-before-start"] = ((_, _) => { }, s => s.Write([1])),
        ["shutdown-before-start"] = ((_, _) => { }, s => s.Shutdown()),
        ["start-twice"] = ((s, _) => s.Start(Localhost), s => s.Start(Localhost)),
        ["write-while-handshaking"] = ((s, _) => s.Start(Localhost), s => s.Write([1])),
        ["shutdown-while-handshaking"] = ((s, _) => s.Start(Localhost), s => s.Shutdown()),
        ["start-when-established"] = ((_, p) => p.Handshake(Localhost), s => s.Start(Localhost)),
        ["write-after-shutdown"] = ((s, p) => { p.Handshake(Localhost); s.Shutdown(); }, s => s.Write([1])),
        ["shutdown-twice"] = ((s, p) => { p.Handshake(Localhost); s.Shutdown(); }, s => s.Shutdown()),
        ["start-after-close"] = ((s, _) => { s.Start(Localhost); s.Receive([], true); }, s => s.Start(Localhost)),
        ["receive-after-dispose"] = ((s, _) => { s.Start(Localhost); s.Dispose(); }, s => s.Receive([1], false)),
        ["bad-server-name"] = ((_, _) => { }, s => s.Start(new SessionStart("not a name", []))),
        ["empty-alpn"] = ((_, _) => { }, s => s.Start(Localhost with { Alpn = [""] })),
        ["long-alpn"] = ((_, _) => { }, s => s.Start(Localhost with { Alpn = [new string('a', 256)] })),
        ["alpn-list-over-64k"] = ((_, _) => { }, s => s.Start(Localhost with { Alpn = Enumerable.Repeat(new string('a', 255), 257).ToArray() })),
    };

    [Theory]
    [MemberData(nameof(Misuses))]
    public void Call_WrongPhaseOrBadField_ThrowsSessionMisuse(string misuse)
    {
        var (arrange, act) = MisuseCases[misuse];
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System);
        var pump = new InMemoryPump(session, new InMemoryTlsServer(fixture.Chain, new()), 0);
        arrange(session, pump);
        var phaseBefore = session.Phase;

        var error = Assert.Throws<SessionMisuseException>(() => act(session));

        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.Equal(phaseBefore, session.Phase);
    }

    private static ServerIdentity Identity(string name)
    {
        Assert.True(ServerIdentity.TryParse(name, out var identity, out var error), error);
        return identity!;
    }

    private static string ReadAll(InMemoryPump pump, int count)
    {
        var text = new StringBuilder();
        while (text.Length < count)
        {
            var result = pump.DeliverToClient();
            Assert.True(result.Ret > 0, $"ret {result.Ret} {result.Error} {result.Reason}");
            text.Append(Encoding.ASCII.GetString(result.Plaintext.Span));
        }

        return text.ToString();
    }

    private InMemoryPump Established(TlsClientSession session, int fragmentSize)
    {
        var pump = new InMemoryPump(session, new InMemoryTlsServer(fixture.Chain, new()), fragmentSize);
        var result = pump.Handshake(Localhost);
        Assert.Equal(1, result.Ret);
        return pump;
    }
}
