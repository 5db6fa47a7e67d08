using TlsBroker.Core.Results;
using TlsBroker.Fuzz;

namespace TlsBroker.Core.Tests.Engine;

/// <summary>
/// The engine's fuzz corpus (tests/fuzz/corpus/engine: server flights recorded from openssl s_server, and every input
/// a fuzzing run found failing) through the fuzz target, whose invariant is that hostile server bytes get a result the
/// contract allows, never an exception, a self-blaming internal_error or unbounded allocation. The long coverage-guided
/// run is tests/fuzz/run-afl; this replay and a fixed set of mutations keep what it found fixed.
/// </summary>
[Trait("Category", "Unit")]
public sealed class FuzzCorpusReplayTests
{
    /// <summary>s_server -rev's answer to the harness's "hello".</summary>
    private const int ReplyBytes = 6;

    private const int MutationsPerSeed = 40;

    private const int StructuredMutationsPerSeed = 40;

    /// <summary>Read patterns besides the file's own: a read per record, everything at once, 1-byte and 7-byte reads.</summary>
    private static readonly byte[] ReadModes = [FuzzInput.ReadPerRecord, FuzzInput.ReadAll, 1, 7];

    public static TheoryData<string> CorpusFiles => new(CorpusNames());

    public static TheoryData<string> Seeds => new(CorpusNames().Where(name => name.StartsWith("seed-", StringComparison.Ordinal)));

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public async Task Run_CorpusFile_KeepsTheInvariantUnderEveryReadPattern(string name)
    {
        var data = Read(name);

        var outcomes = await Task.Run(() => ReadModes.Select(mode => EngineFuzzTarget.Run(WithReadMode(data, mode))).Append(EngineFuzzTarget.Run(data)).ToList())
            .WaitAsync(TestTimeouts.Scenario);

        Assert.All(outcomes, outcome => Assert.NotEqual(SslError.WantRead, outcome.Ending.Error));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Run_RecordedSeed_CompletesTheHandshakeAndReadsTheReply(string name)
    {
        var data = Read(name);

        var perRecord = EngineFuzzTarget.Run(WithReadMode(data, FuzzInput.ReadPerRecord));
        var byteByByte = EngineFuzzTarget.Run(WithReadMode(data, 1));
        var allAtOnce = EngineFuzzTarget.Run(WithReadMode(data, FuzzInput.ReadAll));

        Assert.All([perRecord, byteByByte, allAtOnce], outcome =>
        {
            Assert.NotNull(outcome.Established);
            Assert.Equal(ReplyBytes, outcome.PlaintextBytes);
            Assert.Equal((0, SslError.ZeroReturn), (outcome.Ending.Ret, outcome.Ending.Error));
        });
    }

    /// <summary>
    /// What the first afl-fuzz run found (tests/fuzz/README.md): BouncyCastle's or .NET's exceptions on a malformed
    /// certificate or record, which ended the handshake with internal_error and the bare reason "internal error".
    /// Each now ends as OpenSSL ends it.
    /// </summary>
    [Theory]
    [InlineData("crash-record-version-reserved.bin", 70, "wrong version number", X509VerifyCode.Ok, "")]
    [InlineData("crash-tls12-certificate-list-empty.bin", 50, "decode error", X509VerifyCode.Ok, "")]
    [InlineData("crash-tls12-certificate-pss-null-parameters.bin", 42, "ASN1 lib", X509VerifyCode.Ok, "")]
    [InlineData("crash-tls12-certificate-key-undecodable.bin", 80, "certificate verify failed", X509VerifyCode.Unspecified, "cannot be processed")]
    [InlineData("crash-tls12-certificate-extension-undecodable.bin", 48, "certificate verify failed", X509VerifyCode.DepthZeroSelfSignedCert, "is self-signed and not a trust anchor")]
    [InlineData("crash-tls12-certificate-not-der.bin", 80, "certificate verify failed", X509VerifyCode.Unspecified, "does not parse as DER X.509")]
    public void Run_InputAflFuzzFoundFailing_EndsWithOpenSslsAlertAndReason(string name, int alert, string reason, X509VerifyCode verify, string verifyDetail)
    {
        var outcome = EngineFuzzTarget.Run(Read(name));

        Assert.Null(outcome.Established);
        Assert.Equal((-1, SslError.Ssl), (outcome.Ending.Ret, outcome.Ending.Error));
        Assert.Equal((alert, true), (outcome.Ending.Alert!.Description, outcome.Ending.Alert.Sent));
        Assert.Equal(reason, outcome.Ending.Reason);
        Assert.Equal(verify, outcome.Ending.Verify.Code);
        Assert.Contains(verifyDetail, outcome.Ending.Verify.Reason, StringComparison.Ordinal);
    }

    /// <summary>A fixed, seeded sample of what afl-fuzz does first (bit flips, interesting bytes, cuts, repeats), for every seed on every run.</summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Run_MutatedSeed_KeepsTheInvariant(string name)
    {
        var seed = Read(name);
        var random = new Random(name.Length * 7919 + seed.Length);
        var mutants = Enumerable.Range(0, MutationsPerSeed).Select(_ => Mutate(seed, random)).ToList();

        var failures = await Task.Run(() => mutants.Select(Failure).OfType<string>().ToList()).WaitAsync(TestTimeouts.Scenario);

        Assert.Empty(failures);
    }

    /// <summary>A fixed, seeded sample of what the structured long run does (StructuredMutator: fields, certificate DER, message order, stray records).</summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Run_StructuredMutationOfSeed_KeepsTheInvariant(string name)
    {
        var seed = Read(name);
        var random = new Random(name.Length * 104729 + seed.Length);
        var mutants = Enumerable.Range(0, StructuredMutationsPerSeed).Select(_ => StructuredMutator.Mutate(seed, random)).ToList();

        var failures = await Task.Run(() => mutants.Select(Failure).OfType<string>().ToList()).WaitAsync(TestTimeouts.Scenario);

        Assert.Empty(failures);
    }

    private static string? Failure(byte[] mutant)
    {
        try
        {
            EngineFuzzTarget.Run(mutant);
            return null;
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message} for input {Convert.ToHexString(mutant)}";
        }
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var data = (byte[])seed.Clone();
        var at = random.Next(1, data.Length);
        switch (random.Next(5))
        {
            case 0:
                data[at] ^= (byte)(1 << random.Next(8));
                return data;
            case 1:
                data[at] = (byte)new[] { 0x00, 0x01, 0x7f, 0x80, 0xff }[random.Next(5)];
                return data;
            case 2:
                return data[..at];
            case 3:
                var length = random.Next(1, Math.Min(64, data.Length - at) + 1);
                return [.. data[..(at + length)], .. data[at..]];
            default:
                // A 16-bit length field off by a little, as a record header or a vector length would be.
                var value = (data[at - 1] << 8 | data[at]) + random.Next(-3, 4);
                data[at - 1] = (byte)(value >> 8);
                data[at] = (byte)value;
                return data;
        }
    }

    private static IEnumerable<string> CorpusNames() =>
        Directory.EnumerateFiles(FuzzPolicy.CorpusDirectory).Select(file => Path.GetFileName(file)).Order(StringComparer.Ordinal);

    private static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(FuzzPolicy.CorpusDirectory, name));

    private static byte[] WithReadMode(byte[] data, byte mode) => [mode, .. data.AsSpan(1)];
}
