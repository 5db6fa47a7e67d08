using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using TlsBroker.Core.Engine;
using TlsBroker.Testing;
using TlsBroker.Testing.InMemory;

namespace TlsBroker.Core.Tests.Engine;

/// <summary>
/// The one adapter that reaches into BouncyCastle's private members (<see cref="BouncyCastleInternals"/>). A BouncyCastle
/// upgrade that renames, moves or retypes any member it reads fails here, by name (a <see cref="MissingFieldException"/> or
/// <see cref="MissingMemberException"/> naming it), rather than as a wrong binder, a kept buffer or wrong sequence numbers.
/// </summary>
[Trait("Category", "Unit")]
public sealed class BouncyCastleInternalsTests(EngineChainFixture fixture) : IClassFixture<EngineChainFixture>
{
    [Fact]
    public void SequenceNumbers_NewProtocol_FieldsFoundAndZero()
    {
        var protocol = new TlsClientProtocol();

        Assert.Equal((0L, 0L), BouncyCastleInternals.SequenceNumbers(protocol));
        Assert.False(BouncyCastleInternals.KeyUpdateOwed(protocol));
    }

    [Fact]
    public void OfferedEarlySecrets_NewProtocol_FieldsFoundAndNoneOffered()
    {
        Assert.Null(BouncyCastleInternals.OfferedEarlySecrets(new TlsClientProtocol()));
    }

    [Fact]
    public void ApplicationDataQueue_NewProtocol_FieldFoundAndEmpty()
    {
        Assert.Equal(0, BouncyCastleInternals.ApplicationDataQueue(new TlsClientProtocol()).Available);
    }

    [Fact]
    public void HandshakeHash_HandshakeInProgress_FieldFoundAndSet()
    {
        var protocol = new TlsClientProtocol();
        protocol.Connect(new EarlySecretsProbe(new BcTlsCrypto()));

        Assert.NotNull(BouncyCastleInternals.HandshakeHash(protocol));
    }

    /// <summary>
    /// A ClientHello that offers an external PSK: BouncyCastle keeps its early secret in the client binders while it waits for the
    /// ServerHello, so the adapter reads exactly one, the one derived from this PSK.
    /// </summary>
    [Fact]
    public void OfferedEarlySecrets_ClientHelloWithAPsk_OneEarlySecretPerPsk()
    {
        var protocol = new TlsClientProtocol();
        protocol.Connect(new EarlySecretsProbe(new BcTlsCrypto()));

        var secrets = BouncyCastleInternals.OfferedEarlySecrets(protocol);

        Assert.NotNull(secrets);
        Assert.Single(secrets);
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

    /// <summary>A TLS 1.3-only client offering one external PSK, which BouncyCastle binds in the ClientHello it builds.</summary>
    private sealed class EarlySecretsProbe(BcTlsCrypto crypto) : DefaultTlsClient(crypto)
    {
        public override IList<TlsPskExternal> GetExternalPsks() =>
            [new BasicTlsPskExternal([1, 2, 3], crypto.CreateSecret(new byte[32]), PrfAlgorithm.tls13_hkdf_sha256)];

        protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.TLSv13.Only();

        public override TlsAuthentication GetAuthentication() => throw new InvalidOperationException("the probe never gets a server flight");
    }
}
