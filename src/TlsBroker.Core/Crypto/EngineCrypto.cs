using Org.BouncyCastle.Crypto.Prng;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace TlsBroker.Core.Crypto;

/// <summary>
/// The process-wide crypto instances sessions share. Neither holds per-session state (it lives in the
/// ciphers, agreements and verifiers they create; the DotNet one also shares one nonce generator) and both draw on one SecureRandom over
/// .NET's thread-safe RandomNumberGenerator, so a session costs no crypto set-up of its own.
/// </summary>
internal static class EngineCrypto
{
    private static readonly SecureRandom SharedRandom = new(new CryptoApiRandomGenerator());

    private static readonly BcTlsCrypto DotNet = new DotNetTlsCrypto(SharedRandom);

    private static readonly BcTlsCrypto BouncyCastle = new(SharedRandom);

    public static BcTlsCrypto For(TlsCryptoProvider provider) => provider switch
    {
        TlsCryptoProvider.DotNet => DotNet,
        TlsCryptoProvider.BouncyCastle => BouncyCastle,
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "not a TlsCryptoProvider"),
    };
}
