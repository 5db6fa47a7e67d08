using System.Runtime.CompilerServices;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using TlsBroker.Core.Crypto;
using TlsBroker.Core.Engine;

namespace TlsBroker.Core.Tests.Engine;

/// <summary>
/// An established session keeps nothing of what only its handshake needed: the ClientHello's offers
/// (<see cref="BrokerTlsClient.NotifyHandshakeComplete"/>) and a nonce generator of its own (<see cref="DotNetTlsCrypto.CreateNonceGenerator(ReadOnlySpan{byte})"/>),
/// and its record layer still works. Fails at once if a BouncyCastle upgrade renames the fields.
/// </summary>
[Trait("Category", "Unit")]
public sealed class HandshakeStateReleaseTests(EngineChainFixture fixture) : IClassFixture<EngineChainFixture>
{
    public static TheoryData<string> Versions => ["TLSv1.3", "TLSv1.2"];

    [Theory]
    [MemberData(nameof(Versions))]
    public void Established_ClientHelloOffersReleased_DataFlows(string version)
    {
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System);
        var pump = Pump(session, version);

        var established = pump.Handshake(new SessionStart("localhost", []));

        Assert.Equal(version, established.Established!.ProtocolVersion);
        var client = Client(session)!;
        Assert.Null(SupportedGroups(client));
        Assert.Null(SupportedSignatureAlgorithms(client));
        Assert.Null(client.GetCipherSuites());
        Assert.Null(client.GetProtocolVersions());

        var message = "after release"u8.ToArray();
        pump.Forward(session.Write(message));
        Assert.Equal(message, pump.ServerRead());
    }

    [Fact]
    public void Handshaking_ClientHelloOffersKeptUntilTheHandshakeEnds()
    {
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System);

        session.Start(new SessionStart("localhost", []));

        var client = Client(session)!;
        Assert.NotEmpty(SupportedGroups(client)!);
        Assert.NotEmpty(SupportedSignatureAlgorithms(client)!);
        Assert.NotEmpty(client.GetCipherSuites());
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Established_TwoSessions_ShareOneNonceGeneratorAndDataFlows(string version)
    {
        using var first = new TlsClientSession(fixture.Policy, TimeProvider.System);
        using var second = new TlsClientSession(fixture.Policy, TimeProvider.System);
        var firstPump = Pump(first, version);
        var secondPump = Pump(second, version);
        var firstHello = firstPump.Handshake(new SessionStart("localhost", []));
        var secondHello = secondPump.Handshake(new SessionStart("localhost", []));

        Assert.Equal(1, firstHello.Ret);
        Assert.Equal(1, secondHello.Ret);
        var shared = Context(Client(first)!).NonceGenerator;
        Assert.Same(shared, Context(Client(second)!).NonceGenerator);
        Assert.NotEqual(Context(Client(first)!).SecurityParameters.ClientRandom, Context(Client(second)!).SecurityParameters.ClientRandom);

        var message = "shared nonces"u8.ToArray();
        secondPump.Forward(second.Write(message));
        Assert.Equal(message, secondPump.ServerRead());
    }

    private InMemoryPump Pump(TlsClientSession session, string version) =>
        new(session, new InMemoryTlsServer(fixture.Chain, new() { Versions = [version == "TLSv1.3" ? ProtocolVersion.TLSv13 : ProtocolVersion.TLSv12] }), 0);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "client")]
    private static extern ref BrokerTlsClient? Client(TlsClientSession session);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "m_supportedGroups")]
    private static extern ref IList<int>? SupportedGroups(AbstractTlsClient client);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "m_supportedSignatureAlgorithms")]
    private static extern ref IList<SignatureAndHashAlgorithm>? SupportedSignatureAlgorithms(AbstractTlsClient client);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "m_context")]
    private static extern ref TlsClientContext Context(AbstractTlsClient client);
}
