using TlsBroker.Core.Crypto;
using TlsBroker.Core.Engine;
using TlsBroker.Core.Results;

namespace TlsBroker.Core.Tests.Engine;

/// <summary>
/// Data in the established phase: records cut anywhere by the transport, several rounds (the session
/// releases its buffers between calls), and results that stay the caller's after later calls.
/// </summary>
[Trait("Category", "Unit")]
public sealed class TlsClientSessionDataPathTests(EngineChainFixture fixture) : IClassFixture<EngineChainFixture>
{
    /// <summary>A full TLS 1.3 record of 16 KiB plaintext is 16,406 bytes on the wire; 16,407 splits every following record.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(16407)]
    public void Receive_100KiBCutAnywhere_ReturnsEveryByteInOrderEveryRound(int fragmentSize)
    {
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System);
        var pump = Established(session, fragmentSize);
        var data = new byte[100 * 1024];

        for (var round = 0; round < 3; round++)
        {
            Random.Shared.NextBytes(data);
            pump.ServerProtocol.WriteApplicationData(data, 0, data.Length);
            var pieces = new List<ReadOnlyMemory<byte>>();
            while (pieces.Sum(p => p.Length) < data.Length)
            {
                var result = pump.DeliverToClient();
                Assert.True(result.Ret > 0, $"round {round}: ret {result.Ret} {result.Error} {result.Reason}");
                Assert.Equal(result.Ret, result.Plaintext.Length);
                pieces.Add(result.Plaintext);
            }

            Assert.Equal(data, pieces.SelectMany(p => p.ToArray()));
        }
    }

    [Fact]
    public void Write_TwoMessages_EachResultKeepsItsOwnRecords()
    {
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System);
        var pump = Established(session, 0);
        var first = new byte[20_000];
        var second = new byte[300];
        Random.Shared.NextBytes(first);
        Random.Shared.NextBytes(second);

        var firstResult = session.Write(first);
        var firstRecords = firstResult.RecordsToSend.ToArray();
        var secondResult = session.Write(second);

        Assert.Equal((first.Length, second.Length), (firstResult.Ret, secondResult.Ret));
        Assert.Equal(firstRecords, firstResult.RecordsToSend.ToArray());
        pump.Forward(firstResult);
        pump.Forward(secondResult);
        Assert.Equal([.. first, .. second], pump.ServerRead());
    }

    /// <summary>Each step closes the native contexts of the record ciphers it used (CipherContextScope): an idle session holds none.</summary>
    [Fact]
    public void Steps_HandshakeAndDataBothWays_LeaveNoCipherContextOpen()
    {
        var crypto = new RecordCipherWatchingCrypto();
        using var session = new TlsClientSession(fixture.Policy, TimeProvider.System, crypto);
        var pump = Established(session, 0);
        Assert.NotEmpty(crypto.Ciphers);
        Assert.DoesNotContain(crypto.Ciphers, c => c.HoldsContext);

        for (var round = 0; round < 2; round++)
        {
            var written = session.Write("ping"u8);
            pump.Forward(written);
            Assert.Equal("ping"u8.ToArray(), pump.ServerRead());
            pump.ServerProtocol.WriteApplicationData("pong"u8.ToArray(), 0, 4);
            Assert.Equal("pong"u8.ToArray(), pump.DeliverToClient().Plaintext.ToArray());
            Assert.DoesNotContain(crypto.Ciphers, c => c.HoldsContext);
        }
    }

    private InMemoryPump Established(TlsClientSession session, int fragmentSize)
    {
        var pump = new InMemoryPump(session, new InMemoryTlsServer(fixture.Chain, new()), fragmentSize);
        Assert.Equal(1, pump.Handshake(new SessionStart("localhost", [])).Ret);
        return pump;
    }
}
