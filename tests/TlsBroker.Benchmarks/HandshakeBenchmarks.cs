using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Org.BouncyCastle.Tls;
using TlsBroker.Core.Crypto;
using TlsBroker.Core.Engine;
using TlsBroker.Core.Policy;
using TlsBroker.Core.Results;
using TlsBroker.Testing;
using TlsBroker.Testing.InMemory;

namespace TlsBroker.Benchmarks;

/// <summary>
/// One full handshake, chain and name verified, against BouncyCastle's TLS server in memory. The
/// figure includes the server's own work (its ECDSA signature, key exchange and record crypto, all
/// in BouncyCastle); the client's share, timed inside TlsClientSession's calls only, is printed at
/// the end of each case as "client side". The policy's verified-chain cache is off, so every
/// handshake builds and checks the path.
/// </summary>
[MemoryDiagnoser]
public class HandshakeBenchmarks
{
    private static readonly SessionStart Localhost = new("localhost", []);

    private EngineChainFixture chain = null!;
    private TlsPolicy policy = null!;
    private InMemoryServerOptions serverOptions = null!;
    private TimeSpan clientTime;
    private TimeSpan totalTime;
    private long handshakes;

    [Params("1.3", "1.2")]
    public string Version { get; set; } = "1.3";

    [Params("x25519", "secp256r1")]
    public string Group { get; set; } = "x25519";

    [Params(TlsCryptoProvider.DotNet, TlsCryptoProvider.BouncyCastle)]
    public TlsCryptoProvider Provider { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        chain = new EngineChainFixture();
        policy = TlsPolicy.Create("bench", new TlsPolicyOptions { TrustAnchors = chain.Chain.RootPath, MinVersion = Version, MaxVersion = Version, Groups = [Group], VerifiedChainCache = { MaxEntries = 0 } });
        var versions = Version == "1.3" ? ProtocolVersion.TLSv13.Only() : ProtocolVersion.TLSv12.Only();
        var group = Group == "x25519" ? NamedGroup.x25519 : NamedGroup.secp256r1;
        serverOptions = new InMemoryServerOptions { Versions = versions, Groups = [group] };
    }

    [Benchmark]
    public HandshakeSummary FullHandshake()
    {
        var started = Stopwatch.GetTimestamp();
        using var session = new TlsClientSession(policy, TimeProvider.System, Provider);
        var pump = new InMemoryPump(session, new InMemoryTlsServer(chain.Chain, serverOptions), fragmentSize: 0);
        var result = pump.Handshake(Localhost);
        totalTime += Stopwatch.GetElapsedTime(started);
        clientTime += pump.ClientTime;
        handshakes++;
        return result.Established ?? throw new InvalidOperationException($"the handshake failed: {result.Error} {result.Reason}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine(
            $"// client side (TLS {Version}, {Group}, {Provider}): {clientTime.TotalMicroseconds / handshakes:F0} µs of {totalTime.TotalMicroseconds / handshakes:F0} µs per handshake ({100 * clientTime / totalTime:F0}%), over {handshakes} handshakes");
        chain.Dispose();
    }
}
