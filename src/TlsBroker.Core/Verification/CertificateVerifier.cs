using TlsBroker.Core.Results;

namespace TlsBroker.Core.Verification;

/// <summary>
/// WebPKI-style verification of a server's chain against one policy's trust anchors, with the
/// result numbered as OpenSSL 3 numbers it.
/// </summary>
public sealed class CertificateVerifier(TrustAnchors trustAnchors)
{
    public TrustAnchors TrustAnchors { get; } = trustAnchors;

    /// <summary>Verifies <paramref name="chainDer"/> (as sent: the server's own certificate first) for <paramref name="identity"/> at <paramref name="now"/>.</summary>
    public VerifyOutcome Verify(IReadOnlyList<byte[]> chainDer, ServerIdentity identity, DateTimeOffset now)
    {
        throw new NotImplementedException();
    }
}
