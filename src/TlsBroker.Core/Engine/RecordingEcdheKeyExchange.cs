using Org.BouncyCastle.Tls;

namespace TlsBroker.Core.Engine;

/// <summary>BouncyCastle's ECDHE key exchange, exposing the curve the ServerKeyExchange named.</summary>
internal sealed class RecordingEcdheKeyExchange(int keyExchange) : TlsECDheKeyExchange(keyExchange)
{
    public int NamedGroup => m_ecConfig?.NamedGroup ?? -1;
}
