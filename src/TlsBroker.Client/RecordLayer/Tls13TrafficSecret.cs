using System.Security.Cryptography;

namespace TlsBroker.Client.RecordLayer;

/// <summary>
/// One direction's TLS 1.3 application traffic secret and the record ciphers made from it. A KeyUpdate moves the
/// direction to the next secret, whose records count from 0 again (RFC 8446 §4.6.3, §7.2); the superseded one is zeroed.
/// </summary>
internal sealed class Tls13TrafficSecret : IDisposable
{
    private readonly HashAlgorithmName hash;
    private readonly bool isChaCha;
    private readonly int keyLength;
    private byte[] secret;

    public Tls13TrafficSecret(HashAlgorithmName hash, bool isChaCha, int keyLength, byte[] secret)
    {
        this.hash = hash;
        this.isChaCha = isChaCha;
        this.keyLength = keyLength;
        this.secret = secret;
    }

    public RecordCipher Cipher(long sequence) =>
        new(true, isChaCha, Tls13KeySchedule.Key(hash, secret, keyLength), Tls13KeySchedule.Iv(hash, secret), sequence);

    /// <summary>Moves to the next secret and returns its cipher.</summary>
    public RecordCipher Next()
    {
        var next = Tls13KeySchedule.NextSecret(hash, secret);
        CryptographicOperations.ZeroMemory(secret);
        secret = next;
        return Cipher(0);
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(secret);
}
