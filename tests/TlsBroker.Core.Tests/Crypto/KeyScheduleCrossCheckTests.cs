using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using TlsBroker.Core.Crypto;

namespace TlsBroker.Core.Tests.Crypto;

/// <summary>
/// The .NET-backed TLS 1.3 key schedule (HKDF) and transcript hash against BouncyCastle's own: the
/// same inputs give the same secrets and hashes, forks included, and what .NET cannot do falls back.
/// </summary>
[Trait("Category", "Unit")]
public sealed class KeyScheduleCrossCheckTests
{
    private static readonly BcTlsCrypto BouncyCastle = new(new SecureRandom());
    private static readonly BcTlsCrypto DotNet = new DotNetTlsCrypto(new SecureRandom());

    [Theory]
    [InlineData(CryptoHashAlgorithm.sha256)]
    [InlineData(CryptoHashAlgorithm.sha384)]
    public void KeySchedule_DotNetAgainstBouncyCastle_SameSecrets(int hash)
    {
        var sharedSecret = RandomNumberGenerator.GetBytes(32);
        var transcript = RandomNumberGenerator.GetBytes(TlsCryptoUtilities.GetHashOutputSize(hash));

        var ours = Schedule(DotNet, hash, sharedSecret, transcript);
        var theirs = Schedule(BouncyCastle, hash, sharedSecret, transcript);

        Assert.IsType<DotNetTlsSecret>(ours.Secret);
        Assert.Equal(theirs.Keys, ours.Keys);
    }

    [Fact]
    public void HkdfExtract_ConsumesTheSalt_LikeBouncyCastle()
    {
        var salt = DotNet.HkdfInit(CryptoHashAlgorithm.sha256);

        salt.HkdfExtract(CryptoHashAlgorithm.sha256, DotNet.CreateSecret(new byte[32]));

        Assert.Throws<InvalidOperationException>(() => salt.HkdfExpand(CryptoHashAlgorithm.sha256, [], 32));
    }

    [Fact]
    public void HkdfExpand_KeyShorterThanTheHash_FallsBackToBouncyCastle()
    {
        var shortKey = RandomNumberGenerator.GetBytes(16);

        var ours = DotNet.CreateSecret(shortKey).HkdfExpand(CryptoHashAlgorithm.sha256, [1, 2, 3], 40).Extract();
        var theirs = BouncyCastle.CreateSecret(shortKey).HkdfExpand(CryptoHashAlgorithm.sha256, [1, 2, 3], 40).Extract();

        Assert.Equal(theirs, ours);
    }

    [Theory]
    [InlineData(CryptoHashAlgorithm.sha256)]
    [InlineData(CryptoHashAlgorithm.sha384)]
    [InlineData(CryptoHashAlgorithm.sha512)]
    [InlineData(CryptoHashAlgorithm.sha1)]
    public void TranscriptHash_ForksAndResets_SameAsBouncyCastle(int hash)
    {
        var ours = DotNet.CreateHash(hash);
        var theirs = BouncyCastle.CreateHash(hash);
        Assert.IsType<DotNetTlsHash>(ours);

        Assert.Equal(Run(theirs), Run(ours));

        static List<byte[]> Run(TlsHash transcript)
        {
            var results = new List<byte[]>();
            transcript.Update(Encoding.ASCII.GetBytes("client hello"), 0, 12);
            var fork = transcript.CloneHash();
            transcript.Update(Encoding.ASCII.GetBytes("server hello").AsSpan());
            fork.Update(Encoding.ASCII.GetBytes("other"), 0, 5);
            results.Add(fork.CalculateHash());
            results.Add(transcript.CloneHash().CalculateHash());
            results.Add(transcript.CalculateHash());
            transcript.Update(Encoding.ASCII.GetBytes("after the reset"), 0, 15);
            results.Add(transcript.CalculateHash());
            transcript.Update(Encoding.ASCII.GetBytes("dropped"), 0, 7);
            transcript.Reset();
            results.Add(transcript.CalculateHash());
            return results;
        }
    }

    [Fact]
    public void CreateHash_Sm3_StaysBouncyCastle()
    {
        Assert.IsNotType<DotNetTlsHash>(DotNet.CreateHash(CryptoHashAlgorithm.sm3));
    }

    /// <summary>RFC 8446 §7.1 from a zero PSK: early, handshake and master secrets, each with a traffic secret and its key and IV.</summary>
    private static (TlsSecret Secret, List<byte[]> Keys) Schedule(BcTlsCrypto crypto, int hash, byte[] sharedSecret, byte[] transcript)
    {
        var hashLength = TlsCryptoUtilities.GetHashOutputSize(hash);
        var keys = new List<byte[]>();
        var early = crypto.HkdfInit(hash).HkdfExtract(hash, crypto.HkdfInit(hash));
        var handshake = TlsCryptoUtilities.HkdfExpandLabel(early, hash, "derived", Array.Empty<byte>(), hashLength).HkdfExtract(hash, crypto.CreateSecret(sharedSecret));
        var master = TlsCryptoUtilities.HkdfExpandLabel(handshake, hash, "derived", Array.Empty<byte>(), hashLength).HkdfExtract(hash, crypto.HkdfInit(hash));
        foreach (var (secret, label) in new[] { (handshake, "c hs traffic"), (handshake, "s hs traffic"), (master, "c ap traffic"), (master, "exp master") })
        {
            var traffic = TlsCryptoUtilities.HkdfExpandLabel(secret, hash, label, transcript, hashLength);
            keys.Add(TlsCryptoUtilities.HkdfExpandLabel(traffic, hash, "key", Array.Empty<byte>(), 16).Extract());
            keys.Add(TlsCryptoUtilities.HkdfExpandLabel(traffic, hash, "iv", Array.Empty<byte>(), 12).Extract());
            keys.Add(traffic.Extract());
        }

        return (master, keys);
    }
}
