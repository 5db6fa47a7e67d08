using Org.BouncyCastle.Tls;
using TlsBroker.Core.Results;
using TlsBroker.Core.Verification;

namespace TlsBroker.Core.Engine;

/// <summary>
/// Verifies the server's chain when BouncyCastle receives it. A failure is remembered and raised
/// as the fatal alert OpenSSL would send for it, so BouncyCastle sends that alert to the server.
/// </summary>
internal sealed class ServerCertificateCheck(
    CertificateVerifier verifier, ServerIdentity identity, TimeProvider timeProvider, ClientCertificateOffer clientCertificate, Func<TlsContext> context)
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

    /// <summary>Whether the policy's client certificate was presented.</summary>
    public bool ClientCertificateSent => clientCertificate.Sent;

    /// <summary>
    /// The policy's client identity when the request allows it; otherwise null, which BouncyCastle sends
    /// as an empty Certificate message (RFC 5246 §7.4.6, RFC 8446 §4.4.2).
    /// </summary>
    public TlsCredentials? GetClientCredentials(CertificateRequest certificateRequest) => clientCertificate.Choose(context(), certificateRequest);
}
