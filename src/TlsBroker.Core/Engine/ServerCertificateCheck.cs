using Org.BouncyCastle.Tls;
using TlsBroker.Core.Results;
using TlsBroker.Core.Verification;

namespace TlsBroker.Core.Engine;

/// <summary>
/// Verifies the server's chain when BouncyCastle receives it. A failure is remembered and raised
/// as the fatal alert OpenSSL would send for it, so BouncyCastle sends that alert to the server.
/// </summary>
internal sealed class ServerCertificateCheck(
    CertificateVerifier verifier, ServerIdentity identity, TimeProvider timeProvider, ClientCertificateOffer clientCertificate, BrokerTlsClient client)
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
        Outcome = verifier.Verify(der, identity, timeProvider.GetUtcNow(), StapledOcsp(serverCertificate));
        if (!Outcome.IsOk)
        {
            // SSL_get_verify_result(3): with SSL_VERIFY_PEER the handshake stops at once, with the alert ssl_x509err2alert gives.
            throw new TlsFatalAlert((short)VerifyAlert.For(Outcome.Code), Outcome.Reason);
        }
    }

    /// <summary>
    /// The DER OCSP response stapled for the server's certificate: TLS 1.2 carries it in the CertificateStatus message
    /// (RFC 6066 §8), which BouncyCastle reads before calling us; TLS 1.3 in the status_request extension of the first
    /// CertificateEntry (RFC 8446 §4.4.2.1), which BouncyCastle leaves for the client to parse.
    /// </summary>
    private byte[]? StapledOcsp(TlsServerCertificate serverCertificate)
    {
        if (serverCertificate.CertificateStatus is { StatusType: CertificateStatusType.ocsp } status)
        {
            return status.OcspResponse.GetEncoded();
        }

        var chain = serverCertificate.Certificate;
        if (chain.IsEmpty || chain.GetCertificateEntryAt(0).Extensions is not { } extensions
            || !extensions.TryGetValue(ExtensionType.status_request, out var data))
        {
            return null;
        }

        using var input = new MemoryStream(data, writable: false);
        var parsed = CertificateStatus.Parse(client.Context, input);
        if (input.Position != input.Length)
        {
            throw new TlsFatalAlert(AlertDescription.decode_error, "trailing bytes after the CertificateEntry's CertificateStatus");
        }

        return parsed.StatusType == CertificateStatusType.ocsp ? parsed.OcspResponse.GetEncoded() : null;
    }

    /// <summary>Whether the policy's client certificate was presented.</summary>
    public bool ClientCertificateSent => clientCertificate.Sent;

    /// <summary>
    /// The policy's client identity when the request allows it; otherwise null, which BouncyCastle sends
    /// as an empty Certificate message (RFC 5246 §7.4.6, RFC 8446 §4.4.2).
    /// </summary>
    public TlsCredentials? GetClientCredentials(CertificateRequest certificateRequest) => clientCertificate.Choose(client.Context, certificateRequest);
}
