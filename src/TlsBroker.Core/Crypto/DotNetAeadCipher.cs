using System.Security.Cryptography;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl;

namespace TlsBroker.Core.Crypto;

/// <summary>
/// One direction of a record AEAD on .NET's primitives, in the shape BouncyCastle's TlsAeadCipher
/// drives it: key, then per record the nonce, then one in-place seal (ciphertext followed by the
/// tag) or open (the tag after the ciphertext). The native context is opened on the first record after a key change
/// and, inside a <see cref="CipherContextScope"/>, closed again when the step ends; the key stays here meanwhile.
/// </summary>
internal abstract class DotNetAeadCipher(bool encrypting) : TlsAeadCipherImpl
{
    /// <summary>RFC 5116 §5.1/§5.3 and RFC 8439 §2.8: AES-GCM and ChaCha20-Poly1305 records carry a 16-byte tag.</summary>
    public const int TagSize = 16;

    private byte[] nonce = [];
    private byte[] key = [];

    /// <summary>Whether this cipher holds its native context now: what a <see cref="CipherContextScope"/> must leave false at its end.</summary>
    public bool HoldsContext { get; private set; }

    public void SetKey(byte[] key, int keyOff, int keyLen) => SetKey(key.AsSpan(keyOff, keyLen));

    public void SetKey(ReadOnlySpan<byte> key)
    {
        CloseContext();
        CryptographicOperations.ZeroMemory(this.key);
        this.key = key.ToArray();
    }

    public void Init(byte[] nonce, int macSize, byte[] additionalData)
    {
        // TlsAeadCipher passes the additional data to DoFinal and always asks for the full tag.
        if (macSize != TagSize || additionalData is { Length: > 0 })
        {
            throw new TlsFatalAlert(AlertDescription.internal_error, $"unsupported AEAD parameters (tag {macSize} bytes)");
        }

        this.nonce = nonce;
    }

    public int GetOutputSize(int inputLength) => encrypting ? inputLength + TagSize : Math.Max(0, inputLength - TagSize);

    public int DoFinal(byte[] input, int inputOffset, int inputLength, byte[] output, int outputOffset) =>
        DoFinal([], input, inputOffset, inputLength, output, outputOffset);

    public int DoFinal(byte[] additionalData, byte[] input, int inputOffset, int inputLength, byte[] output, int outputOffset)
    {
        var associated = additionalData ?? [];
        OpenContextOnce();
        if (encrypting)
        {
            Seal(nonce, input.AsSpan(inputOffset, inputLength), output.AsSpan(outputOffset, inputLength), output.AsSpan(outputOffset + inputLength, TagSize), associated);
            return inputLength + TagSize;
        }

        // RFC 8446 §5.2 / RFC 5246 §6.2.3.3: a record too short for its tag, or whose tag does not match, is bad_record_mac.
        var length = inputLength - TagSize;
        if (length < 0)
        {
            throw new TlsFatalAlert(AlertDescription.bad_record_mac);
        }

        try
        {
            Open(nonce, input.AsSpan(inputOffset, length), input.AsSpan(inputOffset + length, TagSize), output.AsSpan(outputOffset, length), associated);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new TlsFatalAlert(AlertDescription.bad_record_mac, e);
        }

        return length;
    }

    public void Reset()
    {
    }

    /// <summary>Frees the native context; the next record opens it again with the same key.</summary>
    public void CloseContext()
    {
        if (!HoldsContext)
        {
            return;
        }

        DisposeContext();
        HoldsContext = false;
    }

    protected abstract void OpenContext(ReadOnlySpan<byte> key);

    protected abstract void DisposeContext();

    protected abstract void Seal(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData);

    protected abstract void Open(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData);

    private void OpenContextOnce()
    {
        if (HoldsContext)
        {
            return;
        }

        if (key.Length == 0)
        {
            throw new InvalidOperationException("the record key was not set");
        }

        OpenContext(key);
        HoldsContext = true;
        CipherContextScope.Opened(this);
    }
}
