using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Org.BouncyCastle.Tls;

namespace TlsBroker.Core.Crypto;

/// <summary>The TLS named groups (RFC 8422 §5.1.1) .NET can do ECDH on.</summary>
internal static class NistCurves
{
    private static readonly NistCurve P256 = new(ECCurve.NamedCurves.nistP256, 32);
    private static readonly NistCurve P384 = new(ECCurve.NamedCurves.nistP384, 48);
    private static readonly NistCurve P521 = new(ECCurve.NamedCurves.nistP521, 66);

    public static bool TryGet(int namedGroup, [NotNullWhen(true)] out NistCurve? curve)
    {
        curve = namedGroup switch
        {
            NamedGroup.secp256r1 => P256,
            NamedGroup.secp384r1 => P384,
            NamedGroup.secp521r1 => P521,
            _ => null,
        };
        return curve is not null;
    }
}
