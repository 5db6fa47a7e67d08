using Org.BouncyCastle.Tls;

namespace TlsBroker.Core.Engine;

/// <summary>
/// BouncyCastle's non-blocking client protocol, with a close_notify that leaves the read side
/// open: SSL_shutdown(3) sends ours and still reads the server's records until its close_notify.
/// BouncyCastle's own Close() would refuse any further input.
/// </summary>
internal sealed class BrokerClientProtocol : TlsClientProtocol
{
    public void SendCloseNotify() => RaiseAlertWarning(AlertDescription.close_notify, "Shutdown requested");
}
