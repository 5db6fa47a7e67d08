using BenchmarkDotNet.Attributes;
using TlsBroker.Core.Results;

namespace TlsBroker.Benchmarks;

/// <summary>Seals 16 KiB of plaintext into one record on an established TLS 1.3 session (TlsClientSession.Write).</summary>
[MemoryDiagnoser]
public class RecordWriteBenchmarks
{
    private readonly byte[] plaintext = new byte[EstablishedSession.RecordPlaintext];
    private EstablishedSession established = null!;

    [Params("AES-128-GCM", "ChaCha20-Poly1305")]
    public string Aead { get; set; } = "AES-128-GCM";

    [GlobalSetup]
    public void Setup() => established = new EstablishedSession(Aead);

    [Benchmark]
    public StepResult Write16KiB() => established.Session.Write(plaintext);

    [GlobalCleanup]
    public void Cleanup() => established.Dispose();
}
