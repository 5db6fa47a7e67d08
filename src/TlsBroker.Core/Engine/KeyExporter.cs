using System.Security.Cryptography;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using TlsBroker.Core.Policy;

namespace TlsBroker.Core.Engine;

/// <summary>Reads an established session's traffic keys out of BouncyCastle into <see cref="ExportedKeys"/>.</summary>
internal static class KeyExporter
{
    /// <summary>
    /// Only AEAD suites whose record layer .NET and Go run without BouncyCastle: AES-GCM (RFC 5288, RFC 8446 §5.3) and
    /// ChaCha20-Poly1305 (RFC 7905). TLS 1.2 lengths from the key block (RFC 5246 §6.3): key, then the implicit IV.
    /// </summary>
    /// <param name="tls12KeyBlock">For TLS 1.2, the key block <see cref="Tls12KeyBlock"/> made when the handshake completed.</param>
    public static ExportedKeys Export(TlsProtocol protocol, SecurityParameters parameters, byte[]? tls12KeyBlock)
    {
        var suite = TlsParameterNames.CipherSuiteName(parameters.CipherSuite);
        var (keyLength, ivLength) = AeadLengths(parameters.CipherSuite) ?? throw new KeyExportRefusedException(
            $"cipher suite {suite} is not exportable: key export covers the AEAD suites AES-GCM and ChaCha20-Poly1305 only");
        var (read, write) = BouncyCastleInternals.SequenceNumbers(protocol);
        if (!TlsUtilities.IsTlsV13(parameters.NegotiatedVersion))
        {
            return Tls12(tls12KeyBlock ?? throw new KeyExportRefusedException("the session kept no key block to export"), suite, keyLength, ivLength, read, write);
        }

        var hash = parameters.PrfCryptoHashAlgorithm switch
        {
            CryptoHashAlgorithm.sha256 => "SHA256",
            CryptoHashAlgorithm.sha384 => "SHA384",
            _ => throw new KeyExportRefusedException($"cipher suite {suite} is not exportable: its hash is neither SHA-256 nor SHA-384"),
        };

        // Extract hands over BouncyCastle's own array and leaves the secret destroyed: the session ends with the export.
        return new ExportedKeys
        {
            ProtocolVersion = "TLSv1.3",
            CipherSuite = suite,
            Hash = hash,
            ClientTrafficSecret = parameters.TrafficSecretClient.Extract(),
            ServerTrafficSecret = parameters.TrafficSecretServer.Extract(),
            ReadSequence = read,
            WriteSequence = write,
            KeyUpdateOwed = BouncyCastleInternals.KeyUpdateOwed(protocol),
        };
    }

    /// <summary>
    /// TLS 1.2 key material must be taken when the handshake completes: BouncyCastle then clears the master secret
    /// from the security parameters, and only the session (<paramref name="session"/>) keeps it, until resumption takes it.
    /// Null for a suite that cannot be exported or a session without a master secret.
    /// </summary>
    public static byte[]? Tls12KeyBlock(SecurityParameters parameters, TlsSession? session)
    {
        if (AeadLengths(parameters.CipherSuite) is not var (keyLength, ivLength)
            || session?.ExportSessionParameters()?.MasterSecret is not { } masterSecret || !masterSecret.IsAlive())
        {
            return null;
        }

        // RFC 5246 §6.3: key_block = PRF(master_secret, "key expansion", server_random + client_random); AEAD suites have no MAC keys.
        byte[] seed = [.. parameters.ServerRandom, .. parameters.ClientRandom];
        return masterSecret.DeriveUsingPrf(parameters.PrfAlgorithm, ExporterLabel.key_expansion, seed, 2 * (keyLength + ivLength)).Extract();
    }

    /// <summary>Key and implicit IV lengths of the exportable suites; null for the others.</summary>
    private static (int Key, int Iv)? AeadLengths(int cipherSuite) => TlsUtilities.GetEncryptionAlgorithm(cipherSuite) switch
    {
        EncryptionAlgorithm.AES_128_GCM => (16, 4),
        EncryptionAlgorithm.AES_256_GCM => (32, 4),
        EncryptionAlgorithm.CHACHA20_POLY1305 => (32, 12),
        _ => null,
    };

    private static ExportedKeys Tls12(byte[] keyBlock, string suite, int keyLength, int ivLength, long read, long write)
    {
        // RFC 5246 §6.3: client_write_MAC_key, server_write_MAC_key (none for AEAD), client_write_key, server_write_key, client_write_IV, server_write_IV.
        try
        {
            var block = keyBlock.AsSpan();
            return new ExportedKeys
            {
                ProtocolVersion = "TLSv1.2",
                CipherSuite = suite,
                ClientWriteKey = block[..keyLength].ToArray(),
                ServerWriteKey = block.Slice(keyLength, keyLength).ToArray(),
                ClientWriteIv = block.Slice(2 * keyLength, ivLength).ToArray(),
                ServerWriteIv = block.Slice((2 * keyLength) + ivLength, ivLength).ToArray(),
                ReadSequence = read,
                WriteSequence = write,
                KeyUpdateOwed = false,
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keyBlock);
        }
    }
}
