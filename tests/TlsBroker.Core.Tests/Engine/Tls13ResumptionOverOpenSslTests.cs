using System.Text;
using Microsoft.Extensions.Time.Testing;
using TlsBroker.Core.Engine;
using TlsBroker.Core.Resumption;
using TlsBroker.Core.Results;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;

namespace TlsBroker.Core.Tests.Engine;

/// <summary>
/// TLS 1.3 resumption (RFC 8446 §2.2) against <c>openssl s_server -tls1_3</c>, which sends two
/// NewSessionTickets after every handshake (stateless ones by default, session-cache ones with
/// <c>-no_ticket</c>) and prints "Reused session-id" for every connection it resumed with the PSK.
/// s_server checks the PSK binder, so a resumed handshake also proves the "res binder" key.
/// </summary>
[Trait("Category", "Functional")]
public sealed class Tls13ResumptionOverOpenSslTests(RealPeerFixture fixture) : IClassFixture<RealPeerFixture>
{
    private static readonly SessionStart Localhost = new("localhost", []);

    [Theory]
    [InlineData("-tls1_3")]
    [InlineData("-tls1_3", "-no_ticket")]
    [InlineData("-tls1_3", "-ciphersuites", "TLS_AES_256_GCM_SHA384")]
    public async Task Start_StateOfATls13Session_ResumesWithThePskAndTheStoredChain(params string[] serverArguments)
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa, serverArguments);
        var (first, state) = await fixture.ResumableHandshakeAsync(server.Port, Localhost);

        var (second, _) = await fixture.ResumableHandshakeAsync(server.Port, Localhost with { Resumption = state });

        Assert.True(second.Ret == 1, $"{second.Error} {second.Reason}\n{server.Output}");
        Assert.Equal((false, true), (first.Established!.Resumed, second.Established!.Resumed));
        Assert.Equal(("TLSv1.3", first.Established.CipherSuite), (second.Established.ProtocolVersion, second.Established.CipherSuite));
        Assert.Equal([fixture.Ecdsa.Leaf.Der, fixture.Ecdsa.Intermediate.Der], second.Established.PeerCertificates);
        await server.WaitForReusedSessionsAsync(1);
        Assert.Equal(1, server.ReusedSessions);
    }

    /// <summary>A resumed session gets tickets of its own; the state from them resumes again, and the bytes of a state resume as well as the object.</summary>
    [Fact]
    public async Task ExportResumption_ResumedTls13SessionThroughItsBytes_ResumesAgain()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa, "-tls1_3");
        var (_, state) = await fixture.ResumableHandshakeAsync(server.Port, Localhost);
        Assert.True(ResumptionState.TryParse(state!.ToBytes(), out var parsed));
        var (_, again) = await fixture.ResumableHandshakeAsync(server.Port, Localhost with { Resumption = parsed });

        var (third, _) = await fixture.ResumableHandshakeAsync(server.Port, Localhost with { Resumption = again });

        Assert.True(third.Established?.Resumed, $"{third.Error} {third.Reason}\n{server.Output}");
        Assert.NotEqual(state.ToBytes(), again!.ToBytes());
        Assert.True(again.ValidUntil <= state.ValidUntil, $"{again.ValidUntil:O} after {state.ValidUntil:O}");
        await server.WaitForReusedSessionsAsync(2);
        Assert.Equal(2, server.ReusedSessions);
    }

    /// <summary>
    /// BouncyCastle sends its first key share for X25519; a server that takes only P-256 asks again
    /// with a HelloRetryRequest, and the second ClientHello must carry the PSK with a binder over the new transcript.
    /// </summary>
    [Fact]
    public async Task Start_Tls13StateAfterAHelloRetryRequest_Resumes()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa, "-tls1_3", "-groups", "P-256");
        var (_, state) = await fixture.ResumableHandshakeAsync(server.Port, Localhost);

        var (second, _) = await fixture.ResumableHandshakeAsync(server.Port, Localhost with { Resumption = state });

        Assert.True(second.Established?.Resumed, $"{second.Error} {second.Reason}\n{server.Output}");
        Assert.Equal("secp256r1", second.Established!.Group);
        await server.WaitForReusedSessionsAsync(1);
    }

    /// <summary>A restarted s_server has new ticket keys: it ignores the PSK, and the handshake is a full, verified one.</summary>
    [Fact]
    public async Task Start_Tls13StateFromAnotherServer_FallsBackToAFullHandshake()
    {
        ResumptionState? state;
        await using (var before = await OpenSslServer.StartAsync(fixture.Ecdsa, "-tls1_3"))
        {
            (_, state) = await fixture.ResumableHandshakeAsync(before.Port, Localhost);
        }

        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa, "-tls1_3");
        var (second, _) = await fixture.ResumableHandshakeAsync(server.Port, Localhost with { Resumption = state });

        Assert.True(second.Ret == 1, $"{second.Error} {second.Reason}\n{server.Output}");
        Assert.False(second.Established!.Resumed);
        Assert.True(second.Verify.IsOk);
        Assert.Equal([fixture.Ecdsa.Leaf.Der, fixture.Ecdsa.Intermediate.Der], second.Established.PeerCertificates);
        Assert.Equal(0, server.ReusedSessions);
    }

    /// <summary>
    /// The tickets come after the handshake: there is nothing to export when it completes, and a state
    /// once the records after it have been received. A server that sends no ticket leaves nothing to resume.
    /// </summary>
    [Theory]
    [InlineData(2, true)]
    [InlineData(0, false)]
    public async Task ExportResumption_Tls13Session_AppearsWithTheServersTickets(int tickets, bool expected)
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa, "-tls1_3", "-rev", "-num_tickets", tickets.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(RealPeerFixture.PolicyFor(fixture.Ecdsa), TimeProvider.System), server.Port);
        var established = await pump.HandshakeAsync(Localhost);
        Assert.Equal((0, null), (pump.Session.ResumptionUpdates, pump.Session.ExportResumption()));

        await pump.WriteAsync(Encoding.ASCII.GetBytes("ping\n"));
        var read = await pump.ReadAtLeastAsync(5);

        Assert.Equal(1, established.Ret);
        Assert.Equal("gnip\n", Encoding.ASCII.GetString(pump.Received.ToArray()));
        Assert.True(read.Ret > 0, $"{read.Error} {read.Reason}");
        Assert.Equal((tickets, expected), (pump.Session.ResumptionUpdates, pump.Session.ExportResumption() is not null));

        // The step that received the tickets carried the state: the latest one is the state the session exports.
        Assert.Null(established.Resumption);
        Assert.Same(pump.Session.ExportResumption(), pump.Steps.LastOrDefault(step => step.Resumption?.Resumable is not null)?.Resumption!.Resumable);
    }

    /// <summary>s_server's TLS 1.3 tickets last 7200 s (ticket_lifetime): past that the engine does not offer the state at all.</summary>
    [Fact]
    public async Task Start_Tls13StatePastTheTicketLifetime_IsNotOffered()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa, "-tls1_3");
        var (_, state) = await fixture.ResumableHandshakeAsync(server.Port, Localhost, time);
        Assert.Equal(time.GetUtcNow().AddHours(2), state!.ValidUntil);

        time.SetUtcNow(state.ValidUntil);
        var (second, _) = await fixture.ResumableHandshakeAsync(server.Port, Localhost with { Resumption = state }, time);

        Assert.Equal((1, false), (second.Ret, second.Established!.Resumed));
        Assert.Equal(0, server.ReusedSessions);
    }

    [Fact]
    public async Task TryParse_Tls13StateTruncatedOrAltered_IsFalse()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Ecdsa, "-tls1_3");
        var (_, state) = await fixture.ResumableHandshakeAsync(server.Port, Localhost);
        var bytes = state!.ToBytes();

        Assert.True(ResumptionState.TryParse(bytes, out var parsed));
        Assert.Equal(bytes, parsed!.ToBytes());
        Assert.False(ResumptionState.TryParse(bytes.AsSpan(0, bytes.Length - 1), out _));
        Assert.False(ResumptionState.TryParse([.. bytes, 0], out _));
        Assert.False(ResumptionState.TryParse([1, .. bytes.AsSpan(1)], out _));
    }
}
