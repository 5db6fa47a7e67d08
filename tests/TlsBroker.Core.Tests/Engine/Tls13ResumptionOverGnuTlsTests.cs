using TlsBroker.Core.Engine;
using TlsBroker.Core.Resumption;
using TlsBroker.Core.Results;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;

namespace TlsBroker.Core.Tests.Engine;

/// <summary>
/// TLS 1.3 resumption against <c>gnutls-serv</c>, which, unlike s_server, answers a ticket whose
/// obfuscated_ticket_age does not decode to an age within the ticket's lifetime (RFC 8446 §4.2.11.1) with a full handshake,
/// and prints "*** This is a resumed session" for every connection it resumed.
/// </summary>
[Trait("Category", "Functional")]
public sealed class Tls13ResumptionOverGnuTlsTests(RealPeerFixture fixture) : IClassFixture<RealPeerFixture>
{
    private const string ResumedMarker = "*** This is a resumed session";
    private static readonly SessionStart Localhost = new("localhost", []);

    [Fact]
    public async Task Start_StateOfATls13Session_Resumes()
    {
        await using var server = await GnuTlsServer.StartAsync(fixture.Ecdsa, "NORMAL:-VERS-ALL:+VERS-TLS1.3");
        var (first, state) = await fixture.ResumableHandshakeAsync(server.Port, Localhost);
        Assert.NotNull(state);

        var (second, _) = await fixture.ResumableHandshakeAsync(server.Port, Localhost with { Resumption = state });

        Assert.True(second.Ret == 1, $"{second.Error} {second.Reason}\n{server.Output}");
        Assert.Equal((false, true), (first.Established!.Resumed, second.Established!.Resumed));
        Assert.Equal([fixture.Ecdsa.Leaf.Der, fixture.Ecdsa.Intermediate.Der], second.Established.PeerCertificates);
        await server.WaitForLinesAsync(ResumedMarker, 1);
    }
}
