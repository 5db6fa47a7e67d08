using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TlsBroker.Core.Verification;

/// <summary>
/// A policy's certificate pins: SHA-256 digests of SubjectPublicKeyInfo, written as RFC 7469 §2.1.1
/// pin-sha256 values (base64 of the 32-byte digest). A verified path satisfies them when any of its
/// certificates, the trust anchor included, has a pinned key (RFC 7469 §2.6: "at least one of the
/// Pinned SPKIs in the Pinned Host's list of Known Pinned Hosts").
/// </summary>
public sealed class ServerPins
{
    private readonly byte[][] digests;

    private ServerPins(byte[][] digests, IReadOnlyList<string> values)
    {
        this.digests = digests;
        Values = values;
    }

    /// <summary>The pins as configured, base64.</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>Parses <paramref name="pins"/>; null when there are none. Each bad entry adds a problem.</summary>
    public static ServerPins? Parse(IReadOnlyList<string> pins, List<string> problems)
    {
        if (pins.Count == 0)
        {
            return null;
        }

        var digests = new List<byte[]>(pins.Count);
        foreach (var pin in pins)
        {
            var text = pin.Trim();
            var buffer = new byte[(text.Length * 3 / 4) + 3];
            if (!Convert.TryFromBase64String(text, buffer, out var length))
            {
                problems.Add($"Pins: '{pin}' is not base64 (a pin-sha256 value, RFC 7469 §2.1.1)");
            }
            else if (length != SHA256.HashSizeInBytes)
            {
                problems.Add($"Pins: '{pin}' decodes to {length} bytes; a pin-sha256 value is a SHA-256 digest of {SHA256.HashSizeInBytes} bytes");
            }
            else
            {
                digests.Add(buffer[..length]);
            }
        }

        return new ServerPins([.. digests], pins.Select(pin => pin.Trim()).ToArray());
    }

    /// <summary>The pin-sha256 value of <paramref name="certificate"/>'s key.</summary>
    public static string PinOf(X509Certificate2 certificate) => Convert.ToBase64String(SpkiDigest(certificate));

    /// <summary>The first certificate of <paramref name="path"/> (leaf first) with a pinned key, or <see cref="PinCheck.NoMatch"/>.</summary>
    internal PinCheck Check(IReadOnlyList<X509Certificate2> path)
    {
        for (var depth = 0; depth < path.Count; depth++)
        {
            var digest = SpkiDigest(path[depth]);
            for (var i = 0; i < digests.Length; i++)
            {
                if (CryptographicOperations.FixedTimeEquals(digests[i], digest))
                {
                    return PinCheck.MatchedAt(depth, Convert.ToBase64String(digest));
                }
            }
        }

        return PinCheck.NoMatch;
    }

    private static byte[] SpkiDigest(X509Certificate2 certificate) =>
        SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo());

    public override string ToString() => $"{Values.Count} pin-sha256 value(s)";
}
