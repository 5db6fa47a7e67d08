using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Prng;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls.Crypto;
using TlsBroker.Core.Crypto;

namespace TlsBroker.Fuzz;

/// <summary>
/// The engine's default crypto over a fixed-seed generator, with nonces that leave out the extra seed BouncyCastle
/// mixes in (AbstractTlsContext adds a nanosecond counter): a fresh instance makes the same ClientHello and x25519
/// key share every time, so that a server flight recorded for that ClientHello decrypts and verifies again on replay.
/// .NET makes NIST-curve keys itself, unseeded, which is why the seeds are recorded with x25519 key exchanges.
/// </summary>
internal sealed class RepeatableCrypto() : DotNetTlsCrypto(Seeded())
{
    public override TlsNonceGenerator CreateNonceGenerator(byte[] additionalSeedMaterial) =>
        base.CreateNonceGenerator(ReadOnlySpan<byte>.Empty);

    public override TlsNonceGenerator CreateNonceGenerator(ReadOnlySpan<byte> additionalSeedMaterial) =>
        base.CreateNonceGenerator(ReadOnlySpan<byte>.Empty);

    private static SecureRandom Seeded()
    {
        var generator = new DigestRandomGenerator(new Sha256Digest());
        generator.AddSeedMaterial("TlsBroker.Fuzz repeatable seed"u8.ToArray());
        return new SecureRandom(generator);
    }
}
