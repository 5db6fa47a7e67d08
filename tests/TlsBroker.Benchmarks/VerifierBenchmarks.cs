using BenchmarkDotNet.Attributes;
using TlsBroker.Core.Verification;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Benchmarks;

/// <summary>
/// <see cref="CertificateVerifier.Check"/> alone on a 3-certificate chain (root, intermediate, "localhost" leaf),
/// ECDSA P-256 or RSA 2048 throughout: cache cold (no verified-chain cache, so path building and every check each
/// time) and warm (a cache hit, the path rebuilt from the entry).
/// </summary>
[MemoryDiagnoser]
public class VerifierBenchmarks
{
    private VerifierBenchmarkChain chain = null!;
    private CertificateVerifier verifier = null!;

    [Params(KeyKind.EcdsaP256, KeyKind.Rsa2048)]
    public KeyKind Key { get; set; }

    [Params(false, true)]
    public bool CacheWarm { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        chain = VerifierBenchmarkChain.Create(Key, impostors: 0);
        verifier = new CertificateVerifier(chain.Anchors, CacheWarm ? new VerifiedChainCache(1_000, TimeSpan.FromHours(1)) : null);
        Verify();
    }

    [Benchmark]
    public VerificationResult Verify()
    {
        var result = verifier.Check(chain.Sent, IdentityExpectation.For(chain.Identity), DateTimeOffset.UtcNow);
        return result.Outcome.IsOk && result.Path.Count == 3 ? result : throw new InvalidOperationException($"the chain did not verify: {result.Outcome}");
    }

    [GlobalCleanup]
    public void Cleanup() => chain.Dispose();
}
