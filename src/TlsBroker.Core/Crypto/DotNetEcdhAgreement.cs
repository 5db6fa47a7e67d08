using System.Security.Cryptography;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;

namespace TlsBroker.Core.Crypto;

/// <summary>
/// One ephemeral ECDH exchange: our key share, the server's, and the shared secret, which goes
/// straight into a BouncyCastle TlsSecret for the key schedule.
/// </summary>
internal sealed class DotNetEcdhAgreement(TlsCrypto crypto, NistCurve curve) : TlsAgreement
{
    /// <summary>SEC 1 §2.3.3: the uncompressed point form, the only one TLS 1.3 (RFC 8446 §4.2.8.2) and RFC 8422 §5.1.2 allow.</summary>
    private const byte Uncompressed = 0x04;

    private ECDiffieHellman? local;
    private ECDiffieHellman? peer;

    public byte[] GenerateEphemeral()
    {
        local = ECDiffieHellman.Create(curve.Curve);
        var point = local.ExportParameters(includePrivateParameters: false).Q;
        return [Uncompressed, .. point.X!, .. point.Y!];
    }

    public void ReceivePeerValue(byte[] peerValue)
    {
        // RFC 8446 §4.2.8.2: "peers MUST validate each other's public key Y by ensuring that
        // 1 < Y < p-1" and, for the NIST curves, that the point is on the curve: .NET's import checks it.
        if (peerValue.Length != 1 + (2 * curve.FieldBytes) || peerValue[0] != Uncompressed)
        {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "the server's ECDH share is not an uncompressed point on the curve");
        }

        var parameters = new ECParameters
        {
            Curve = curve.Curve,
            Q = new ECPoint { X = peerValue[1..(1 + curve.FieldBytes)], Y = peerValue[(1 + curve.FieldBytes)..] },
        };
        try
        {
            peer = ECDiffieHellman.Create(parameters);
        }
        catch (CryptographicException e)
        {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "the server's ECDH share is not a point on the curve", e);
        }
    }

    public TlsSecret CalculateSecret()
    {
        if (local is null || peer is null)
        {
            throw new InvalidOperationException("both ECDH shares are needed before the secret");
        }

        // RFC 8446 §7.4.2: the shared secret is the x-coordinate, "the output of FE2OSP": fixed length, leading zeros kept.
        var shared = local.DeriveRawSecretAgreement(peer.PublicKey);
        try
        {
            return crypto.CreateSecret(shared);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
            local.Dispose();
            peer.Dispose();
        }
    }
}
