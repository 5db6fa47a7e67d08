using Org.BouncyCastle.Security;
using TlsBroker.Core.Crypto;

namespace TlsBroker.Core.Tests.Crypto;

/// <summary>Unit tests: the DotNet crypto makes one nonce generator for all its sessions, and it still gives fresh nonces, from any thread.</summary>
[Trait("Category", "Unit")]
public sealed class SharedNonceGeneratorTests
{
    [Fact]
    public void CreateNonceGenerator_Twice_SameGeneratorFreshNonces()
    {
        var crypto = new DotNetTlsCrypto(new SecureRandom());

        var first = crypto.CreateNonceGenerator([1, 2, 3]);
        var second = crypto.CreateNonceGenerator(ReadOnlySpan<byte>.Empty);

        Assert.Same(first, second);
        var nonces = Enumerable.Range(0, 64).Select(_ => Convert.ToHexString(second.GenerateNonce(32))).ToList();
        Assert.All(nonces, nonce => Assert.Equal(64, nonce.Length));
        Assert.Equal(nonces.Count, nonces.Distinct().Count());
    }

    [Fact]
    public async Task GenerateNonce_ManyThreads_EveryNonceDistinct()
    {
        var generator = new DotNetTlsCrypto(new SecureRandom()).CreateNonceGenerator(ReadOnlySpan<byte>.Empty);

        var perThread = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            Enumerable.Range(0, 500).Select(_ => Convert.ToHexString(generator.GenerateNonce(16))).ToList()))).WaitAsync(TimeSpan.FromSeconds(30));

        var all = perThread.SelectMany(nonces => nonces).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
    }
}
