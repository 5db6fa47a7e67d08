using System.Buffers.Binary;
using System.Security.Cryptography;

namespace TlsBroker.Client.RecordLayer;

/// <summary>
/// One direction of an AEAD record layer (AES-GCM or ChaCha20-Poly1305) with its sequence number: seals a plaintext
/// into a whole record and opens one. TLS 1.3 per RFC 8446 §5.2–5.3; TLS 1.2 AES-GCM per RFC 5288 §3 (explicit nonce
/// in the record) and ChaCha20-Poly1305 per RFC 7905 §2 (nonce from the IV and the sequence number).
/// </summary>
internal sealed class RecordCipher : IDisposable
{
    public const int HeaderLength = 5;
    public const int TagLength = 16;
    public const int MaxPlaintext = 16384;

    /// <summary>RFC 8446 §5.2 / RFC 5246 §6.2.3: a ciphertext fragment is at most 2^14 + 256 bytes.</summary>
    public const int MaxFragment = MaxPlaintext + 256;

    private const int NonceLength = 12;
    private const int ExplicitNonceLength = 8;

    /// <summary>The longest record <see cref="Seal"/> writes: a full plaintext with the TLS 1.3 content type or the TLS 1.2 explicit nonce.</summary>
    public const int MaxSealedRecord = HeaderLength + ExplicitNonceLength + MaxPlaintext + TagLength;
    private const byte ApplicationData = 23;

    private readonly AesGcm? gcm;
    private readonly ChaCha20Poly1305? chacha;
    private readonly byte[] iv;
    private readonly bool tls13;

    public RecordCipher(bool tls13, bool isChaCha, byte[] key, byte[] iv, long sequence)
    {
        this.tls13 = tls13;
        this.iv = iv;
        Sequence = sequence;
        if (isChaCha)
        {
            chacha = new ChaCha20Poly1305(key);
        }
        else
        {
            gcm = new AesGcm(key, TagLength);
        }

        // The AEAD keeps its own copy; the caller hands over a fresh array.
        CryptographicOperations.ZeroMemory(key);
    }

    /// <summary>The sequence number of the next record.</summary>
    public long Sequence { get; private set; }

    private bool HasExplicitNonce => !tls13 && gcm is not null;

    /// <summary>
    /// Writes the record for <paramref name="plaintext"/> (at most <see cref="MaxPlaintext"/> bytes) of content
    /// <paramref name="type"/>, header included, to the start of <paramref name="destination"/>, which has room for
    /// <see cref="MaxSealedRecord"/> bytes; returns its length. The caller's buffer serves every record: a new array
    /// per 16 KiB record cost the upload a gen0 collection every few megabytes.
    /// </summary>
    public int Seal(byte type, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        var innerLength = plaintext.Length + (tls13 ? 1 : 0);
        var prefix = HasExplicitNonce ? ExplicitNonceLength : 0;
        var record = destination[..(HeaderLength + prefix + innerLength + TagLength)];

        // RFC 8446 §5.2: the outer type is application_data and the version 0x0303; the true type ends the inner plaintext.
        record[0] = tls13 ? ApplicationData : type;
        record[1] = 3;
        record[2] = 3;
        BinaryPrimitives.WriteUInt16BigEndian(record[3..], (ushort)(record.Length - HeaderLength));
        var inner = record.Slice(HeaderLength + prefix, innerLength);
        plaintext.CopyTo(inner);
        if (tls13)
        {
            inner[^1] = type;
        }

        Span<byte> nonce = stackalloc byte[NonceLength];
        Span<byte> tls12Aad = stackalloc byte[13];
        if (HasExplicitNonce)
        {
            BinaryPrimitives.WriteInt64BigEndian(record.Slice(HeaderLength, ExplicitNonceLength), Sequence);
        }

        Nonce(nonce);
        var aad = tls13 ? record[..HeaderLength] : Tls12Aad(tls12Aad, type, plaintext.Length);
        Encrypt(nonce, inner, record.Slice(HeaderLength + prefix + innerLength, TagLength), aad);
        Sequence++;
        return record.Length;
    }

    /// <summary>
    /// Opens one record (<paramref name="header"/> and its <paramref name="fragment"/>, decrypted in place): its true content
    /// type and plaintext. Throws <see cref="AuthenticationTagMismatchException"/> for a record that fails authentication.
    /// </summary>
    public (byte Type, Memory<byte> Plaintext) Open(ReadOnlySpan<byte> header, Memory<byte> fragment)
    {
        var prefix = HasExplicitNonce ? ExplicitNonceLength : 0;
        if (fragment.Length < prefix + TagLength)
        {
            throw new AuthenticationTagMismatchException();
        }

        var span = fragment.Span;
        var cipherLength = fragment.Length - prefix - TagLength;
        Span<byte> nonce = stackalloc byte[NonceLength];
        Span<byte> tls12Aad = stackalloc byte[13];
        if (HasExplicitNonce)
        {
            // RFC 5288 §3: the nonce is the 4-byte implicit IV followed by the record's 8-byte explicit part.
            iv.AsSpan(0, 4).CopyTo(nonce);
            span[..ExplicitNonceLength].CopyTo(nonce[4..]);
        }
        else
        {
            Nonce(nonce);
        }

        var ciphertext = span.Slice(prefix, cipherLength);
        var aad = tls13 ? header : Tls12Aad(tls12Aad, header[0], cipherLength);
        Decrypt(nonce, ciphertext, span.Slice(prefix + cipherLength, TagLength), aad);
        Sequence++;
        var plaintext = fragment.Slice(prefix, cipherLength);
        if (!tls13)
        {
            return (header[0], plaintext);
        }

        // RFC 8446 §5.4: the content type is the last non-zero byte; zeros after it are padding.
        var end = plaintext.Span.LastIndexOfAnyExcept((byte)0);
        if (end < 0)
        {
            throw new InvalidDataException("a TLS 1.3 record has no content type (all zeros): unexpected_message (RFC 8446 §5.4)");
        }

        return (plaintext.Span[end], plaintext[..end]);
    }

    public void Dispose()
    {
        gcm?.Dispose();
        chacha?.Dispose();
        CryptographicOperations.ZeroMemory(iv);
    }

    /// <summary>RFC 5246 §6.2.3.3: additional_data = seq_num + TLSCompressed.type + TLSCompressed.version + TLSCompressed.length.</summary>
    private Span<byte> Tls12Aad(Span<byte> aad, byte type, int length)
    {
        BinaryPrimitives.WriteInt64BigEndian(aad, Sequence);
        aad[8] = type;
        aad[9] = 3;
        aad[10] = 3;
        BinaryPrimitives.WriteUInt16BigEndian(aad[11..], (ushort)length);
        return aad;
    }

    /// <summary>
    /// RFC 8446 §5.3 and RFC 7905 §2: the 64-bit sequence number, big-endian and left-padded to the IV's length, XORed
    /// with the IV. For TLS 1.2 AES-GCM (RFC 5288 §3) the implicit IV and the sequence number as explicit part.
    /// </summary>
    private void Nonce(Span<byte> nonce)
    {
        if (HasExplicitNonce)
        {
            iv.AsSpan(0, 4).CopyTo(nonce);
            BinaryPrimitives.WriteInt64BigEndian(nonce[4..], Sequence);
            return;
        }

        iv.CopyTo(nonce);
        Span<byte> sequence = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(sequence, Sequence);
        for (var i = 0; i < 8; i++)
        {
            nonce[NonceLength - 8 + i] ^= sequence[i];
        }
    }

    private void Encrypt(ReadOnlySpan<byte> nonce, Span<byte> data, Span<byte> tag, ReadOnlySpan<byte> aad)
    {
        if (gcm is not null)
        {
            gcm.Encrypt(nonce, data, data, tag, aad);
        }
        else
        {
            chacha!.Encrypt(nonce, data, data, tag, aad);
        }
    }

    private void Decrypt(ReadOnlySpan<byte> nonce, Span<byte> data, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> aad)
    {
        if (gcm is not null)
        {
            gcm.Decrypt(nonce, data, tag, data, aad);
        }
        else
        {
            chacha!.Decrypt(nonce, data, tag, data, aad);
        }
    }
}
