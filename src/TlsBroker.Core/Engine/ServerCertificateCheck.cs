using Org.BouncyCastle.Tls;
using TlsBroker.Core.Results;
using TlsBroker.Core.Verification;

namespace TlsBroker.Core.Engine;

/// <summary>
/// Verifies the server's chain when BouncyCastle receives it. A failure is remembered and raised
/// as the fatal alert OpenSSL would send for it, so BouncyCastle sends that alert to the server.
/// </summary>
internal sealed class ServerCertificateCheck(CertificateVerifier verifier, ServerIdentity identity, TimeProvider timeProvider)
    : TlsAuthentication
{
    public VerifyOutcome? Outcome { get; private set; }

    public IReadOnlyList<byte[]> PeerCertificates { get; private set; } = [];

    public void NotifyServerCertificate(TlsServerCertificate serverCertificate)
    {
        var chain = serverCertificate.Certificate;
        var der = new byte[chain.Length][];
        for (var i = 0; i < der.Length; i++)
        {
            der[i] = chain.GetCertificateAt(i).GetEncoded();
        }

        PeerCertificates = der;
        Outcome = verifier.Verify(der, identity, timeProvider.GetUtcNow());
        if (!Outcome.IsOk)
        {
            // SSL_get_verify_result(3): with SSL_VERIFY_PEER the handshake stops at once, with the alert ssl_x509err2alert gives.
            throw new TlsFatalAlert((short)VerifyAlert.For(Outcome.Code), Outcome.Reason);
        }
    }

    /// <summary>Client certificates are not offered: the certificate_request is answered with an empty Certificate (RFC 8446 §4.4.2).</summary>
    public TlsCredentials? GetClientCredentials(CertificateRequest certificateRequest) => null;
}
