using Microsoft.Extensions.Time.Testing;
using TlsBroker.Core.Engine;
using TlsBroker.Core.Policy;
using TlsBroker.Core.Resumption;
using TlsBroker.Core.Results;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;

namespace TlsBroker.Core.Tests.Engine;

/// <summary>
/// Session resumption against <c>openssl s_server</c>, which issues RFC 5077 tickets by default and
/// keeps a session-ID cache (<c>-no_ticket</c>), and prints "Reused session-id" for every
/// connection it resumed: the server's own word that the handshake was abbreviated.
/// </summary>
[Trait("Category", "Functional")]
public sealed class ResumptionOverOpenSslTests(RealPeerFixture fixture) : IClassFixture<RealPeerFixture>
{
    private static readonly SessionStart Localhost = new("localhost", []);

    [Theory]
    [InlineData("ticket")]
    [InlineData("-no_ticket")]
    public async Task Start_StateOfATls12Session_ResumesWithTheSameParametersAndChain(string mode)
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa, ServerArguments(mode, "-tls1_2"));
        var (first, state) = await fixture.ResumableHandshakeAsync(server.Port, Localhost);

        var (second, _) = await fixture.ResumableHandshakeAsync(server.Port, Localhost with { Resumption = state });

        Assert.True(second.Ret == 1, $"{second.Error} {second.Reason}\n{server.Output}");
        Assert.Equal((false, true), (first.Established!.Resumed, second.Established!.Resumed));
        Assert.Same(state, first.Resumption?.Resumable);
        Assert.Equal((null, OfferedResumption.Resumed), (first.Resumption!.Offered, second.Resumption?.Offered));
        Assert.NotNull(second.Resumption!.Resumable);
        Assert.Equal((first.Established.ProtocolVersion, first.Established.CipherSuite), (second.Established.ProtocolVersion, second.Established.CipherSuite));
        Assert.Equal([fixture.Ecdsa.Leaf.Der, fixture.Ecdsa.Intermediate.Der], second.Established.PeerCertificates);
        await server.WaitForReusedSessionsAsync(1);
        Assert.Equal(1, server.ReusedSessions);
    }

    /// <summary>What crosses a broker replica is the serialized state: it resumes as well as the object.</summary>
    [Fact]
    public async Task Start_StateThroughItsBytes_Resumes()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa, "-tls1_2");
        var (_, state) = await fixture.ResumableHandshakeAsync(server.Port, Localhost);
        Assert.True(ResumptionState.TryParse(state!.ToBytes(), out var parsed));

        var (second, _) = await fixture.ResumableHandshakeAsync(server.Port, Localhost with { Resumption = parsed });

        Assert.True(second.Established?.Resumed, $"{second.Error} {second.Reason}\n{server.Output}");
        await server.WaitForReusedSessionsAsync(1);
    }

    [Fact]
    public async Task ExportResumption_ResumedSession_GivesAStateThatResumesAgain()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa, "-tls1_2");
        var (_, state) = await fixture.ResumableHandshakeAsync(server.Port, Localhost);
        var (_, again) = await fixture.ResumableHandshakeAsync(server.Port, Localhost with { Resumption = state });

        var (third, _) = await fixture.ResumableHandshakeAsync(server.Port, Localhost with { Resumption = again });

        Assert.True(third.Established?.Resumed, $"{third.Error} {third.Reason}\n{server.Output}");
        await server.WaitForReusedSessionsAsync(2);
        Assert.Equal(2, server.ReusedSessions);
    }

    /// <summary>Another server (a restarted s_server has new ticket keys and an empty cache) cannot resume: a full, verified handshake.</summary>
    [Theory]
    [InlineData("ticket")]
    [InlineData("-no_ticket")]
    public async Task Start_StateFromAnotherServer_FallsBackToAFullHandshake(string mode)
    {
        ResumptionState? state;
        await using (var before = await OpenSslServer.StartAsync(fixture.Ecdsa, ServerArguments(mode, "-tls1_2")))
        {
            (_, state) = await fixture.ResumableHandshakeAsync(before.Port, Localhost);
        }

        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa, ServerArguments(mode, "-tls1_2"));
        var (second, _) = await fixture.ResumableHandshakeAsync(server.Port, Localhost with { Resumption = state });

        Assert.True(second.Ret == 1, $"{second.Error} {second.Reason}\n{server.Output}");
        Assert.False(second.Established!.Resumed);
        Assert.Equal(OfferedResumption.DeclinedByServer, second.Resumption?.Offered);
        Assert.Equal(0, server.ReusedSessions);
    }

    /// <summary>A TLS 1.2 state is not a TLS 1.3 PSK: against a TLS 1.3-only server the handshake is a full one.</summary>
    [Fact]
    public async Task Start_Tls12StateAgainstATls13Server_GivesAFullTls13Handshake()
    {
        ResumptionState? tls12State;
        await using (var tls12 = await OpenSslServer.StartAsync(fixture.Ecdsa, "-tls1_2"))
        {
            (_, tls12State) = await fixture.ResumableHandshakeAsync(tls12.Port, Localhost);
        }

        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa, "-tls1_3");
        var (result, _) = await fixture.ResumableHandshakeAsync(server.Port, Localhost with { Resumption = tls12State });

        Assert.NotNull(tls12State);
        Assert.Equal(("TLSv1.3", false), (result.Established!.ProtocolVersion, result.Established.Resumed));
        Assert.Equal(OfferedResumption.DeclinedByServer, result.Resumption?.Offered);
        Assert.Equal(0, server.ReusedSessions);
    }

    /// <summary>A TLS 1.3 state under a policy that offers TLS 1.2 only cannot be offered (a PSK is TLS 1.3's): a full TLS 1.2 handshake.</summary>
    [Fact]
    public async Task Start_Tls13StateUnderATls12OnlyPolicy_IsNotOfferable()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa);
        var (_, tls13State) = await fixture.ResumableHandshakeAsync(server.Port, Localhost);
        await using var pump = await EnginePump.ConnectAsync(
            new TlsClientSession(TlsPolicy.Create("tls12-only", new TlsPolicyOptions { TrustAnchors = fixture.Ecdsa.RootPath, MaxVersion = "1.2" }), TimeProvider.System),
            server.Port);

        var result = await pump.HandshakeAsync(Localhost with { Resumption = tls13State });

        Assert.True(tls13State!.IsTls13);
        Assert.Equal(("TLSv1.2", false), (result.Established?.ProtocolVersion, result.Established?.Resumed));
        Assert.Equal(OfferedResumption.NotOfferable, result.Resumption?.Offered);
    }

    /// <summary>s_server's tickets last 7200 s (ticket_lifetime_hint): past that the engine does not offer the state at all.</summary>
    [Fact]
    public async Task Start_StatePastTheTicketLifetime_IsNotOffered()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa, "-tls1_2");
        var (_, state) = await fixture.ResumableHandshakeAsync(server.Port, Localhost, time);
        Assert.True(state!.ValidUntil > time.GetUtcNow() && state.ValidUntil <= time.GetUtcNow().AddHours(2), $"valid until {state.ValidUntil:O}");

        time.SetUtcNow(state.ValidUntil);
        var (second, _) = await fixture.ResumableHandshakeAsync(server.Port, Localhost with { Resumption = state }, time);

        Assert.Equal((1, false), (second.Ret, second.Established!.Resumed));
        Assert.Equal(OfferedResumption.Unusable, second.Resumption?.Offered);
        Assert.Equal(0, server.ReusedSessions);
    }

    [Fact]
    public async Task ExportResumption_ValidUntil_IsNeverPastTheChainsEarliestNotAfter()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa, "-tls1_2", "-no_ticket");

        var (_, state) = await fixture.ResumableHandshakeAsync(server.Port, Localhost);

        var earliest = new[] { fixture.Ecdsa.Leaf, fixture.Ecdsa.Intermediate }.Min(c => c.Certificate.NotAfter.ToUniversalTime());
        Assert.Equal(new DateTimeOffset(earliest), state!.ValidUntil);
    }

    [Fact]
    public async Task TryParse_TruncatedOrAlteredBytes_IsFalse()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa, "-tls1_2");
        var (_, state) = await fixture.ResumableHandshakeAsync(server.Port, Localhost);
        var bytes = state!.ToBytes();

        Assert.True(ResumptionState.TryParse(bytes, out var parsed));
        Assert.Equal(bytes, parsed!.ToBytes());
        Assert.False(ResumptionState.TryParse(bytes.AsSpan(0, bytes.Length - 1), out _));
        Assert.False(ResumptionState.TryParse([.. bytes, 0], out _));
        Assert.False(ResumptionState.TryParse([(byte)(bytes[0] + 1), .. bytes.AsSpan(1)], out _));
        Assert.False(ResumptionState.TryParse([], out _));
    }

    [Fact]
    public void ExportResumption_BeforeEstablished_IsMisuse()
    {
        using var session = new TlsClientSession(RealPeerFixture.PolicyFor(fixture.Ecdsa), TimeProvider.System);
        session.Start(Localhost);

        Assert.Throws<SessionMisuseException>(session.ExportResumption);
    }

    private static string[] ServerArguments(string mode, string versionFlag) =>
        mode == "ticket" ? [versionFlag] : [versionFlag, mode];
}
