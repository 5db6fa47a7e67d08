using System.Security.Cryptography;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace TlsBroker.Core.Crypto;

/// <summary>
/// BouncyCastle's TLS secret with HKDF (RFC 5869), the whole TLS 1.3 key schedule, on .NET's
/// one-shot native HKDF: BouncyCastle builds a managed HMAC (three SHA-384 states, about 2.5 KB) for
/// every one of the twenty-odd expansions of a TLS 1.3 handshake. Anything else (the TLS 1.2 PRF, SM3)
/// is BouncyCastle's: a TLS 1.2 handshake runs it four times.
/// </summary>
internal sealed class DotNetTlsSecret(BcTlsCrypto crypto, byte[] data) : BcTlsSecret(crypto, data)
{
    public override TlsSecret HkdfExpand(int cryptoHashAlgorithm, byte[] info, int length) =>
        HkdfExpand(cryptoHashAlgorithm, info.AsSpan(), length);

    public override TlsSecret HkdfExpand(int cryptoHashAlgorithm, ReadOnlySpan<byte> info, int length)
    {
        lock (this)
        {
            // .NET's HKDF refuses a key shorter than the hash, which RFC 5869 allows; BouncyCastle's does not.
            if (length < 1 || !DotNetHashAlgorithms.TryGet(cryptoHashAlgorithm, out var hash)
                || m_data is null || m_data.Length < TlsCryptoUtilities.GetHashOutputSize(cryptoHashAlgorithm))
            {
                return base.HkdfExpand(cryptoHashAlgorithm, info, length);
            }

            if (length > 255 * TlsCryptoUtilities.GetHashOutputSize(cryptoHashAlgorithm))
            {
                throw new ArgumentException("must be <= 255 * (output size of 'hashAlgorithm')", nameof(length));
            }

            var okm = new byte[length];
            HKDF.Expand(hash.Value, m_data, okm, info);
            return new DotNetTlsSecret(m_crypto, okm);
        }
    }

    public override TlsSecret HkdfExtract(int cryptoHashAlgorithm, TlsSecret ikm)
    {
        if (!DotNetHashAlgorithms.TryGet(cryptoHashAlgorithm, out var hash))
        {
            return base.HkdfExtract(cryptoHashAlgorithm, ikm);
        }

        lock (this)
        {
            CheckAlive();
            var salt = m_data;

            // As BouncyCastle's: extracting consumes the salt secret.
            m_data = null;
            var keyMaterial = CopyData(Convert(m_crypto, ikm));
            try
            {
                var prk = new byte[TlsCryptoUtilities.GetHashOutputSize(cryptoHashAlgorithm)];
                HKDF.Extract(hash.Value, keyMaterial, salt, prk);
                return new DotNetTlsSecret(m_crypto, prk);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(keyMaterial);
                CryptographicOperations.ZeroMemory(salt);
            }
        }
    }
}
