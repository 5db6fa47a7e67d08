using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace TlsBroker.Core.Engine;

/// <summary>
/// BouncyCastle's crypto, noting the curve of each ECDH domain it creates. In TLS 1.2 the only
/// such domain is the one the ServerKeyExchange names (RFC 8422 §5.4), and BouncyCastle leaves
/// SecurityParameters.NegotiatedGroup unset there, so this is where the 1.2 group is learned.
/// </summary>
internal sealed class GroupRecordingCrypto : BcTlsCrypto
{
    public int LastEcdhGroup { get; private set; } = -1;

    public override TlsECDomain CreateECDomain(TlsECConfig ecConfig)
    {
        LastEcdhGroup = ecConfig.NamedGroup;
        return base.CreateECDomain(ecConfig);
    }
}
