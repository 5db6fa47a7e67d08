using System.Security.Cryptography;

namespace TlsBroker.Core.Crypto;

/// <summary>ChaCha20-Poly1305 records (RFC 8439) on .NET's <see cref="ChaCha20Poly1305"/>, where the platform supports it.</summary>
internal sealed class ChaCha20Poly1305RecordCipher(bool encrypting) : DotNetAeadCipher(encrypting)
{
    /// <summary>RFC 8439 §2.8: a 256-bit key.</summary>
    public const int KeySize = 32;

    private ChaCha20Poly1305? chacha;

    protected override void OpenContext(ReadOnlySpan<byte> key) => chacha = new ChaCha20Poly1305(key);

    protected override void DisposeContext()
    {
        chacha?.Dispose();
        chacha = null;
    }

    protected override void Seal(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData) =>
        chacha!.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);

    protected override void Open(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData) =>
        chacha!.Decrypt(nonce, ciphertext, tag, plaintext, associatedData);
}
