using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using TlsBroker.Core.Resumption;
using TlsBroker.Server.Configuration;

namespace TlsBroker.Server.Resumption;

/// <summary>
/// Seals an engine <see cref="ResumptionState"/> into an opaque token for the caller, and opens
/// such tokens again, on this replica or any other holding the key. AES-256-GCM:
/// <code>
/// token = format(1) || idLength(1) || keyId || nonce(12) || ciphertext || tag(16)
/// plaintext = expiry (Unix ms, int64 big-endian) || state
/// associated data = "tlsbroker resumption" || token header (format, idLength, keyId) || scope (caller, policy, server name, each length-prefixed)
/// </code>
/// The scope is not in the token: it is bound through the associated data, so a token presented
/// under another scope fails its tag like an altered one.
/// </summary>
internal sealed class ResumptionTokens
{
    private const byte FormatVersion = 1;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private const int ExpiryBytes = sizeof(long);

    private static readonly byte[] Label = Encoding.ASCII.GetBytes("tlsbroker resumption");

    private readonly IReadOnlyList<(byte[] Id, byte[] Key)> keys;
    private readonly TimeSpan lifetime;
    private readonly TimeProvider timeProvider;

    public ResumptionTokens(ResumptionOptions resumption, TimeProvider timeProvider)
    {
        IsActive = resumption.IsActive;
        lifetime = resumption.TokenLifetime;
        this.timeProvider = timeProvider;
        keys = IsActive ? resumption.Keys.Select(DecodeKey).ToList() : [];
    }

    /// <summary>Whether tokens are issued and accepted (<see cref="ResumptionOptions.IsActive"/>).</summary>
    public bool IsActive { get; }

    /// <summary>The id of the key that seals new tokens; null when inactive.</summary>
    public string? SealingKeyId => keys.Count > 0 ? Encoding.ASCII.GetString(keys[0].Id) : null;

    /// <summary>How many keys open tokens.</summary>
    public int KeyCount => keys.Count;

    /// <summary>
    /// A token for <paramref name="state"/>, expiring at its <see cref="ResumptionState.ValidUntil"/> or
    /// <see cref="ResumptionOptions.TokenLifetime"/> after the session was created, whichever is first;
    /// null when inactive or already expired.
    /// </summary>
    public byte[]? Seal(ResumptionScope scope, ResumptionState state)
    {
        var expiry = Min(state.ValidUntil, state.EstablishedAt + lifetime);
        if (!IsActive || expiry <= timeProvider.GetUtcNow())
        {
            return null;
        }

        var (id, key) = keys[0];
        var stateBytes = state.ToBytes();
        var header = Header(id);
        var token = new byte[header.Length + NonceBytes + ExpiryBytes + stateBytes.Length + TagBytes];
        header.CopyTo(token, 0);
        var nonce = token.AsSpan(header.Length, NonceBytes);
        RandomNumberGenerator.Fill(nonce);

        var plaintext = new byte[ExpiryBytes + stateBytes.Length];
        BinaryPrimitives.WriteInt64BigEndian(plaintext, expiry.ToUnixTimeMilliseconds());
        stateBytes.CopyTo(plaintext, ExpiryBytes);

        var ciphertext = token.AsSpan(header.Length + NonceBytes, plaintext.Length);
        var tag = token.AsSpan(token.Length - TagBytes);
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(nonce, plaintext, ciphertext, tag, AssociatedData(header, scope));
        CryptographicOperations.ZeroMemory(plaintext);
        CryptographicOperations.ZeroMemory(stateBytes);
        return token;
    }

    /// <summary>Opens a token sealed for <paramref name="scope"/>; otherwise says why it cannot be trusted.</summary>
    public bool TryOpen(ResumptionScope scope, ReadOnlySpan<byte> token, out ResumptionState? state, out TokenRejection rejection)
    {
        state = null;
        rejection = TokenRejection.Malformed;
        if (token.Length < 2 || token[0] != FormatVersion)
        {
            return false;
        }

        var headerLength = 2 + token[1];
        if (token.Length < headerLength + NonceBytes + ExpiryBytes + TagBytes)
        {
            return false;
        }

        var key = FindKey(token[2..headerLength]);
        if (key is null)
        {
            rejection = TokenRejection.UnknownKey;
            return false;
        }

        var plaintext = new byte[token.Length - headerLength - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(key, TagBytes);
            aes.Decrypt(
                token.Slice(headerLength, NonceBytes),
                token.Slice(headerLength + NonceBytes, plaintext.Length),
                token[^TagBytes..],
                plaintext,
                AssociatedData(token[..headerLength], scope));
        }
        catch (AuthenticationTagMismatchException)
        {
            rejection = TokenRejection.NotAuthentic;
            return false;
        }

        try
        {
            var expiry = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(plaintext));
            if (timeProvider.GetUtcNow() >= expiry)
            {
                rejection = TokenRejection.Expired;
                return false;
            }

            if (!ResumptionState.TryParse(plaintext.AsSpan(ExpiryBytes), out state))
            {
                rejection = TokenRejection.UnreadableState;
                return false;
            }

            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private byte[]? FindKey(ReadOnlySpan<byte> id)
    {
        foreach (var (keyId, key) in keys)
        {
            if (id.SequenceEqual(keyId))
            {
                return key;
            }
        }

        return null;
    }

    private static (byte[] Id, byte[] Key) DecodeKey(ResumptionKeyOptions options) =>
        ResumptionOptionsValidation.TryDecodeKey(options.Key, out var key)
            ? (Encoding.ASCII.GetBytes(options.Id), key)
            : throw new InvalidOperationException($"resumption key '{options.Id}' was not validated at start-up");

    private static byte[] Header(byte[] id) => [FormatVersion, (byte)id.Length, .. id];

    private static byte[] AssociatedData(ReadOnlySpan<byte> header, ResumptionScope scope)
    {
        using var buffer = new MemoryStream();
        buffer.Write(Label);
        buffer.Write(header);
        Span<byte> length = stackalloc byte[sizeof(int)];
        foreach (var part in new[] { scope.Caller, scope.Policy, scope.ServerName })
        {
            var bytes = Encoding.UTF8.GetBytes(part);
            BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            buffer.Write(length);
            buffer.Write(bytes);
        }

        return buffer.ToArray();
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
