using BenchmarkDotNet.Attributes;
using TlsBroker.Core.Results;
using TlsBroker.Core.Verification;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Benchmarks;

/// <summary>
/// <see cref="CertificateVerifier.Check"/> on a pathological input: the leaf, then 100 certificates that claim to
/// issue it (its issuer's subject and subjectKeyIdentifier, signed by the trusted root, another key), then the real
/// intermediate. No cache. The search ends within <see cref="PathBudget"/>; the figure is the cost of that bound.
/// </summary>
[MemoryDiagnoser]
public class PathologicalVerificationBenchmarks
{
    private VerifierBenchmarkChain chain = null!;
    private CertificateVerifier verifier = null!;
    private X509VerifyCode expected;

    [GlobalSetup]
    public void Setup()
    {
        chain = VerifierBenchmarkChain.Create(KeyKind.EcdsaP256, impostors: 100);
        verifier = new CertificateVerifier(chain.Anchors);
        var first = verifier.Check(chain.Sent, IdentityExpectation.For(chain.Identity), DateTimeOffset.UtcNow);
        expected = first.Outcome.Code;
        Console.WriteLine($"// 100 candidate issuers: {(int)expected} {first.Outcome.OpenSslName}: {first.Outcome.Reason}");
    }

    [Benchmark]
    public VerificationResult HundredCandidateIssuers()
    {
        var result = verifier.Check(chain.Sent, IdentityExpectation.For(chain.Identity), DateTimeOffset.UtcNow);
        return result.Outcome.Code == expected ? result : throw new InvalidOperationException($"the verdict changed: {result.Outcome}");
    }

    [GlobalCleanup]
    public void Cleanup() => chain.Dispose();
}
