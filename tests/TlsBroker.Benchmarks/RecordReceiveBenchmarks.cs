using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using TlsBroker.Core.Results;

namespace TlsBroker.Benchmarks;

/// <summary>
/// Opens one 16 KiB record on an established TLS 1.3 session (TlsClientSession.Receive). Records
/// carry sequence numbers, so each invocation needs a fresh one: the server tops up a queue of
/// sealed records before every iteration, outside the measurement (records BenchmarkDotNet's
/// pilot stages left unread stay first in line, or the sequence would break).
/// </summary>
[MemoryDiagnoser]
[InvocationCount(RecordsPerIteration)]
public class RecordReceiveBenchmarks
{
    private const int RecordsPerIteration = 256;

    private readonly byte[] plaintext = new byte[EstablishedSession.RecordPlaintext];
    private readonly Queue<byte[]> records = new(RecordsPerIteration);
    private EstablishedSession established = null!;

    [Params("AES-128-GCM", "ChaCha20-Poly1305")]
    public string Aead { get; set; } = "AES-128-GCM";

    [GlobalSetup]
    public void Setup() => established = new EstablishedSession(Aead);

    [IterationSetup]
    public void SealRecords()
    {
        while (records.Count < RecordsPerIteration)
        {
            records.Enqueue(established.NextServerRecord(plaintext));
        }
    }

    [Benchmark]
    public StepResult Receive16KiB()
    {
        var result = established.Session.Receive(records.Dequeue(), endOfStream: false);
        return result.Ret == plaintext.Length ? result : throw new InvalidOperationException($"the record did not open: {result.Error} {result.Reason}");
    }

    [GlobalCleanup]
    public void Cleanup() => established.Dispose();
}
