using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace TlsBroker.Client.RecordLayer;

/// <summary>The parts of the TLS 1.3 key schedule a record layer needs once the handshake is over (RFC 8446 §7.1–7.3).</summary>
internal static class Tls13KeySchedule
{
    public const int IvLength = 12;

    /// <summary>The hash a suite's HKDF uses, from the broker's name for it.</summary>
    public static HashAlgorithmName Hash(string name) => name switch
    {
        "SHA256" => HashAlgorithmName.SHA256,
        "SHA384" => HashAlgorithmName.SHA384,
        _ => throw new NotSupportedException($"TLS 1.3 hash '{name}' is not SHA256 or SHA384"),
    };

    /// <summary>RFC 8446 §7.3: [sender]_write_key = HKDF-Expand-Label(Secret, "key", "", key_length).</summary>
    public static byte[] Key(HashAlgorithmName hash, byte[] secret, int length) => ExpandLabel(hash, secret, "key", length);

    /// <summary>RFC 8446 §7.3: [sender]_write_iv = HKDF-Expand-Label(Secret, "iv", "", iv_length).</summary>
    public static byte[] Iv(HashAlgorithmName hash, byte[] secret) => ExpandLabel(hash, secret, "iv", IvLength);

    /// <summary>RFC 8446 §7.2: application_traffic_secret_N+1 = HKDF-Expand-Label(application_traffic_secret_N, "traffic upd", "", Hash.length).</summary>
    public static byte[] NextSecret(HashAlgorithmName hash, byte[] secret) => ExpandLabel(hash, secret, "traffic upd", secret.Length);

    /// <summary>RFC 8446 §7.1: HkdfLabel = length (uint16), "tls13 " + label (opaque8), context (opaque8, empty here).</summary>
    private static byte[] ExpandLabel(HashAlgorithmName hash, byte[] secret, string label, int length)
    {
        var fullLabel = Encoding.ASCII.GetBytes("tls13 " + label);
        var info = new byte[2 + 1 + fullLabel.Length + 1];
        BinaryPrimitives.WriteUInt16BigEndian(info, (ushort)length);
        info[2] = (byte)fullLabel.Length;
        fullLabel.CopyTo(info, 3);
        return HKDF.Expand(hash, secret, length, info);
    }
}
