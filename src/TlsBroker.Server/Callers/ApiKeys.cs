using System.Security.Cryptography;
using System.Text;

namespace TlsBroker.Server.Callers;

/// <summary>
/// The API key format: 32 random bytes, base64url without padding (43 characters), and its
/// configured form, the SHA-256 of the key's UTF-8 bytes as 64 lowercase hex digits (what
/// <c>printf %s KEY | sha256sum</c> prints). Public for <c>tlsbroker apikey</c>.
/// </summary>
public static class ApiKeys
{
    public const int KeyBytes = 32;

    public const int HashHexLength = SHA256.HashSizeInBytes * 2;

    /// <summary>A new random key (<see cref="RandomNumberGenerator"/>).</summary>
    public static string NewKey()
    {
        Span<byte> random = stackalloc byte[KeyBytes];
        RandomNumberGenerator.Fill(random);
        var key = Convert.ToBase64String(random).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        CryptographicOperations.ZeroMemory(random);
        return key;
    }

    /// <summary>The hash to put in <c>Broker:Callers:&lt;name&gt;:ApiKeyHashes</c>.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(HashBytes(key));

    internal static byte[] HashBytes(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>Decodes a configured hash; false unless it is exactly 64 hex digits.</summary>
    internal static bool TryParseHash(string? configured, out byte[] hash)
    {
        hash = [];
        if (configured is null || configured.Length != HashHexLength || !configured.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        hash = Convert.FromHexString(configured);
        return true;
    }
}
