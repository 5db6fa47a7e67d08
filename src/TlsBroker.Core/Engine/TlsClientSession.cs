using TlsBroker.Core.Policy;
using TlsBroker.Core.Results;

namespace TlsBroker.Core.Engine;

/// <summary>
/// One TLS client session over BouncyCastle's non-blocking TlsClientProtocol: bytes in, records
/// and an OpenSSL-style status out. No socket, no gRPC.
/// </summary>
public sealed class TlsClientSession(TlsPolicy policy, TimeProvider timeProvider) : IDisposable
{
    public TlsPolicy Policy { get; } = policy;

    public TimeProvider TimeProvider { get; } = timeProvider;

    public SessionPhase Phase { get; private set; }

    /// <summary>SSL_connect: returns the ClientHello to send and ret -1 / WANT_READ.</summary>
    public StepResult Start(SessionStart start) => throw new NotImplementedException();

    /// <summary>Bytes read from the socket (<paramref name="endOfStream"/> when the read returned 0).</summary>
    public StepResult Receive(ReadOnlySpan<byte> data, bool endOfStream) => throw new NotImplementedException();

    /// <summary>SSL_write, once established.</summary>
    public StepResult Write(ReadOnlySpan<byte> plaintext) => throw new NotImplementedException();

    /// <summary>SSL_shutdown: returns the close_notify to send.</summary>
    public StepResult Shutdown() => throw new NotImplementedException();

    public void Dispose() => throw new NotImplementedException();
}
