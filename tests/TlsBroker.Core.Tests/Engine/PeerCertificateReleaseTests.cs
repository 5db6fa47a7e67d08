using System.Runtime.CompilerServices;
using Org.BouncyCastle.Tls;
using TlsBroker.Core.Engine;

namespace TlsBroker.Core.Tests.Engine;

/// <summary>
/// An established session no longer holds BouncyCastle's parsed chain (about 9–10 KiB per idle session), and
/// still has the chain as DER and a working record layer (<see cref="BouncyCastleInternals.ReleasePeerCertificates"/>).
/// Fails at once if a BouncyCastle upgrade moves the fields.
/// </summary>
[Trait("Category", "Unit")]
public sealed class PeerCertificateReleaseTests(EngineChainFixture fixture) : IClassFixture<EngineChainFixture>
{
    public static TheoryData<string> Versions => ["TLSv1.3", "TLSv1.2"];

    [Theory]
    [MemberData(nameof(Versions))]
    public void Established_ParsedChainReleased_DerChainKeptAndDataFlows(string version)
    {
        var offered = version == "TLSv1.3" ? ProtocolVersion.TLSv13 : ProtocolVersion.TLSv12;
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System);
        var pump = new InMemoryPump(session, new InMemoryTlsServer(fixture.Chain, new() { Versions = [offered] }), 0);

        var established = pump.Handshake(new SessionStart("localhost", []));

        Assert.Equal(1, established.Ret);
        Assert.Equal(version, established.Established!.ProtocolVersion);
        var parameters = Client(session)!.SecurityParameters!;
        Assert.Null(parameters.PeerCertificate);
        Assert.Null(Client(session)!.EstablishedSession?.ExportSessionParameters()?.PeerCertificate);
        Assert.NotEmpty(session.PeerCertificates);
        Assert.Equal(session.PeerCertificates, established.Established.PeerCertificates);

        var message = "after release"u8.ToArray();
        pump.Forward(session.Write(message));
        Assert.Equal(message, pump.ServerRead());
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "client")]
    private static extern ref BrokerTlsClient? Client(TlsClientSession session);
}
