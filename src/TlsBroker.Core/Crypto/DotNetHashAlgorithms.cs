using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Org.BouncyCastle.Tls.Crypto;

namespace TlsBroker.Core.Crypto;

/// <summary>BouncyCastle's CryptoHashAlgorithm values that .NET's native-backed hashes cover (SM3 does not exist there).</summary>
internal static class DotNetHashAlgorithms
{
    public static bool TryGet(int cryptoHashAlgorithm, [NotNullWhen(true)] out HashAlgorithmName? name)
    {
        name = cryptoHashAlgorithm switch
        {
            CryptoHashAlgorithm.sha256 => HashAlgorithmName.SHA256,
            CryptoHashAlgorithm.sha384 => HashAlgorithmName.SHA384,
            CryptoHashAlgorithm.sha512 => HashAlgorithmName.SHA512,
            CryptoHashAlgorithm.sha1 => HashAlgorithmName.SHA1,
            CryptoHashAlgorithm.md5 => HashAlgorithmName.MD5,
            _ => null,
        };
        return name is not null;
    }
}
