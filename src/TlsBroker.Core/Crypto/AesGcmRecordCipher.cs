using System.Security.Cryptography;

namespace TlsBroker.Core.Crypto;

/// <summary>AES-128/256-GCM records on .NET's <see cref="AesGcm"/>.</summary>
internal sealed class AesGcmRecordCipher(bool encrypting) : DotNetAeadCipher(encrypting)
{
    private AesGcm? aes;

    protected override void OpenContext(ReadOnlySpan<byte> key) => aes = new AesGcm(key, TagSize);

    protected override void DisposeContext()
    {
        aes?.Dispose();
        aes = null;
    }

    protected override void Seal(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData) =>
        aes!.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);

    protected override void Open(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData) =>
        aes!.Decrypt(nonce, ciphertext, tag, plaintext, associatedData);
}
