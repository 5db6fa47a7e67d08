using Org.BouncyCastle.Tls;
using TlsBroker.Core.Engine;
using TlsBroker.Testing;
using TlsBroker.Testing.InMemory;

namespace TlsBroker.Core.Tests.Engine;

/// <summary>
/// The one adapter that reads BouncyCastle's private record-layer state (<see cref="RecordLayerState"/>). A BouncyCastle
/// upgrade that renames or retypes those fields fails here, by name, rather than as wrong sequence numbers in an export.
/// </summary>
[Trait("Category", "Unit")]
public sealed class RecordLayerStateTests(EngineChainFixture fixture) : IClassFixture<EngineChainFixture>
{
    [Fact]
    public void SequenceNumbers_NewProtocol_FieldsFoundAndZero()
    {
        var protocol = new TlsClientProtocol();

        Assert.Equal((0L, 0L), RecordLayerState.SequenceNumbers(protocol));
        Assert.False(RecordLayerState.KeyUpdateOwed(protocol));
    }

    [Fact]
    public void ExportKeys_Tls13AfterThreeWritesAndTwoReads_SequenceNumbersCountApplicationRecords()
    {
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System);
        var pump = new InMemoryPump(session, new InMemoryTlsServer(fixture.Chain, new()), 0);
        Assert.Equal(1, pump.Handshake(new SessionStart("localhost", [])).Ret);
        for (var i = 0; i < 3; i++)
        {
            pump.Forward(session.Write([(byte)i]));
        }

        for (var i = 0; i < 2; i++)
        {
            pump.ServerProtocol.WriteApplicationData([(byte)i], 0, 1);
            Assert.Equal(1, pump.DeliverToClient().Ret);
        }

        using var keys = session.ExportKeys();

        Assert.Equal("TLSv1.3", keys.ProtocolVersion);
        Assert.Equal((2L, 3L), (keys.ReadSequence, keys.WriteSequence));
        Assert.False(keys.KeyUpdateOwed);
        Assert.Equal(SessionPhase.Closed, session.Phase);
        Assert.DoesNotContain(Convert.ToHexString(keys.ClientTrafficSecret), keys.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Dispose_ExportedKeys_EverySecretZeroed()
    {
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System);
        var pump = new InMemoryPump(session, new InMemoryTlsServer(fixture.Chain, new()), 0);
        Assert.Equal(1, pump.Handshake(new SessionStart("localhost", [])).Ret);
        var keys = session.ExportKeys();
        var secrets = new[] { keys.ClientTrafficSecret, keys.ServerTrafficSecret };
        Assert.All(secrets, secret => Assert.Contains(secret, b => b != 0));

        keys.Dispose();

        Assert.All(secrets, secret => Assert.All(secret, b => Assert.Equal(0, b)));
    }
}
