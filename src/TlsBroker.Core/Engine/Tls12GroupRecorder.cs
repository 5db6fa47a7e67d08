using Org.BouncyCastle.Tls;

namespace TlsBroker.Core.Engine;

/// <summary>
/// BouncyCastle's key exchanges, keeping the client's ECDHE exchange so that the TLS 1.2 group can
/// be read back: the ServerKeyExchange names it (RFC 8422 §5.4), but BouncyCastle leaves
/// SecurityParameters.NegotiatedGroup unset in TLS 1.2. Per session; the crypto stays shared.
/// </summary>
internal sealed class Tls12GroupRecorder : DefaultTlsKeyExchangeFactory
{
    private RecordingEcdheKeyExchange? exchange;

    /// <summary>The ECDHE group the server chose, or -1 before its ServerKeyExchange (or without ECDHE).</summary>
    public int Group => exchange?.NamedGroup ?? -1;

    public override TlsKeyExchange CreateECDheKeyExchangeClient(int keyExchange) =>
        exchange = new RecordingEcdheKeyExchange(keyExchange);
}
