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
    public static ExportedKeys Export(TlsProtocol protocol, SecurityParameters parameters)
    {
        var suite = TlsParameterNames.CipherSuiteName(parameters.CipherSuite);
        var (keyLength, ivLength) = TlsUtilities.GetEncryptionAlgorithm(parameters.CipherSuite) switch
        {
            EncryptionAlgorithm.AES_128_GCM => (16, 4),
            EncryptionAlgorithm.AES_256_GCM => (32, 4),
            EncryptionAlgorithm.CHACHA20_POLY1305 => (32, 12),
            _ => throw new KeyExportRefusedException(
                $"cipher suite {suite} is not exportable: key export covers the AEAD suites AES-GCM and ChaCha20-Poly1305 only"),
        };

        var (read, write) = RecordLayerState.SequenceNumbers(protocol);
        if (!TlsUtilities.IsTlsV13(parameters.NegotiatedVersion))
        {
            return Tls12(parameters, suite, keyLength, ivLength, read, write);
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
            KeyUpdateOwed = RecordLayerState.KeyUpdateOwed(protocol),
        };
    }

    private static ExportedKeys Tls12(SecurityParameters parameters, string suite, int keyLength, int ivLength, long read, long write)
    {
        // RFC 5246 §6.3: key_block = PRF(master_secret, "key expansion", server_random + client_random); AEAD suites have no MAC keys.
        byte[] seed = [.. parameters.ServerRandom, .. parameters.ClientRandom];
        var keyBlock = parameters.MasterSecret.DeriveUsingPrf(parameters.PrfAlgorithm, ExporterLabel.key_expansion, seed, 2 * (keyLength + ivLength)).Extract();
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
