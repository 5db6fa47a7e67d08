using System.Text;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace TlsBroker.Core.Crypto;

/// <summary>
/// The early secret of a resumption PSK. BouncyCastle (2.7.0) offers PSKs only as external ones and
/// derives every binder key with the label "ext binder"; RFC 8446 §7.1 derives the binder key of a
/// resumption PSK with "res binder", so the HkdfLabel of that one derivation is rewritten here (both
/// labels are 16 bytes long, so nothing else in the HkdfLabel moves). Every other derivation from
/// the early secret ("derived", RFC 8446 §7.1) is left as it is.
/// </summary>
internal sealed class ResumptionBinderSecret(BcTlsCrypto crypto, byte[] earlySecret) : BcTlsSecret(crypto, earlySecret)
{
    /// <summary>HkdfLabel: uint16 length, then the label with its 1-byte length (RFC 8446 §7.1).</summary>
    private const int LabelOffset = 3;

    private static readonly byte[] ExternalBinderLabel = Encoding.ASCII.GetBytes("tls13 ext binder");
    private static readonly byte[] ResumptionBinderLabel = Encoding.ASCII.GetBytes("tls13 res binder");

    public override TlsSecret HkdfExpand(int cryptoHashAlgorithm, byte[] info, int length) =>
        HkdfExpand(cryptoHashAlgorithm, info.AsSpan(), length);

    public override TlsSecret HkdfExpand(int cryptoHashAlgorithm, ReadOnlySpan<byte> info, int length)
    {
        if (info.Length < LabelOffset + ExternalBinderLabel.Length
            || info[LabelOffset - 1] != ExternalBinderLabel.Length
            || !info.Slice(LabelOffset, ExternalBinderLabel.Length).SequenceEqual(ExternalBinderLabel))
        {
            return base.HkdfExpand(cryptoHashAlgorithm, info, length);
        }

        Span<byte> rewritten = stackalloc byte[info.Length];
        info.CopyTo(rewritten);
        ResumptionBinderLabel.CopyTo(rewritten[LabelOffset..]);
        return base.HkdfExpand(cryptoHashAlgorithm, rewritten, length);
    }
}
