using BenchmarkDotNet.Attributes;
using TlsBroker.Core.Policy;
using TlsBroker.Core.Results;
using TlsBroker.Core.Verification;
using TlsBroker.Testing;

namespace TlsBroker.Benchmarks;

/// <summary>
/// CertificateVerifier.Verify on an ECDSA P-256 leaf + intermediate to the test root, for
/// "localhost": with the policy's verified-chain cache off (path building every time) and on (a hit).
/// </summary>
[MemoryDiagnoser]
public class ChainVerificationBenchmarks
{
    private EngineChainFixture chain = null!;
    private byte[][] chainDer = null!;
    private ServerIdentity identity = null!;
    private CertificateVerifier verifier = null!;

    [Params(0, 10_000)]
    public int CacheEntries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        chain = new EngineChainFixture();
        var options = new TlsPolicyOptions { TrustAnchors = chain.Chain.RootPath, VerifiedChainCache = { MaxEntries = CacheEntries } };
        verifier = TlsPolicy.Create("bench", options).Verifier;
        chainDer = [chain.Chain.Leaf.Der, chain.Chain.Intermediate.Der];
        if (!ServerIdentity.TryParse("localhost", out var parsed, out var error))
        {
            throw new InvalidOperationException(error);
        }

        identity = parsed!;
    }

    [Benchmark]
    public VerifyOutcome VerifyLeafAndIntermediate()
    {
        var outcome = verifier.Verify(chainDer, identity, DateTimeOffset.UtcNow);
        return outcome.IsOk ? outcome : throw new InvalidOperationException($"the chain did not verify: {outcome}");
    }

    [GlobalCleanup]
    public void Cleanup() => chain.Dispose();
}
