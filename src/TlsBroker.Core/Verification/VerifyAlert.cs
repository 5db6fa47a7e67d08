using TlsBroker.Core.Results;

namespace TlsBroker.Core.Verification;

/// <summary>Which TLS alert a failed verification sends, as OpenSSL's ssl_x509err2alert table does.</summary>
public static class VerifyAlert
{
    /// <summary>RFC 8446 §6.2 AlertDescription values used by the table.</summary>
    internal const int HandshakeFailure = 40;
    internal const int BadCertificate = 42;
    internal const int UnsupportedCertificate = 43;
    internal const int CertificateRevoked = 44;
    internal const int CertificateExpired = 45;
    internal const int CertificateUnknown = 46;
    internal const int UnknownCa = 48;
    internal const int DecryptError = 51;
    internal const int InternalError = 80;
    internal const int BadCertificateStatusResponse = 113;

    /// <summary>OpenSSL 3 ssl/statem/statem_lib.c x509table, entry for entry.</summary>
    private static readonly Dictionary<X509VerifyCode, int> Table = new()
    {
        [X509VerifyCode.ApplicationVerification] = HandshakeFailure,
        [X509VerifyCode.CaKeyTooSmall] = BadCertificate,
        [X509VerifyCode.EcKeyExplicitParams] = BadCertificate,
        [X509VerifyCode.CaMdTooWeak] = BadCertificate,
        [X509VerifyCode.CertChainTooLong] = UnknownCa,
        [X509VerifyCode.CertHasExpired] = CertificateExpired,
        [X509VerifyCode.CertNotYetValid] = BadCertificate,
        [X509VerifyCode.CertRejected] = BadCertificate,
        [X509VerifyCode.CertRevoked] = CertificateRevoked,
        [X509VerifyCode.CertSignatureFailure] = DecryptError,
        [X509VerifyCode.CertUntrusted] = BadCertificate,
        [X509VerifyCode.CrlHasExpired] = CertificateExpired,
        [X509VerifyCode.CrlNotYetValid] = BadCertificate,
        [X509VerifyCode.CrlSignatureFailure] = DecryptError,
        [X509VerifyCode.DaneNoMatch] = BadCertificate,
        [X509VerifyCode.DepthZeroSelfSignedCert] = UnknownCa,
        [X509VerifyCode.EeKeyTooSmall] = BadCertificate,
        [X509VerifyCode.EmailMismatch] = BadCertificate,
        [X509VerifyCode.ErrorInCertNotAfterField] = BadCertificate,
        [X509VerifyCode.ErrorInCertNotBeforeField] = BadCertificate,
        [X509VerifyCode.ErrorInCrlLastUpdateField] = BadCertificate,
        [X509VerifyCode.ErrorInCrlNextUpdateField] = BadCertificate,
        [X509VerifyCode.HostnameMismatch] = BadCertificate,
        [X509VerifyCode.InvalidCa] = UnknownCa,
        [X509VerifyCode.InvalidCall] = InternalError,
        [X509VerifyCode.InvalidPurpose] = UnsupportedCertificate,
        [X509VerifyCode.IpAddressMismatch] = BadCertificate,
        [X509VerifyCode.OutOfMem] = InternalError,
        [X509VerifyCode.PathLengthExceeded] = UnknownCa,
        [X509VerifyCode.SelfSignedCertInChain] = UnknownCa,
        [X509VerifyCode.StoreLookup] = InternalError,
        [X509VerifyCode.UnableToDecodeIssuerPublicKey] = BadCertificate,
        [X509VerifyCode.UnableToDecryptCertSignature] = BadCertificate,
        [X509VerifyCode.UnableToDecryptCrlSignature] = BadCertificate,
        [X509VerifyCode.UnableToGetCrl] = UnknownCa,
        [X509VerifyCode.UnableToGetCrlIssuer] = UnknownCa,
        [X509VerifyCode.UnableToGetIssuerCert] = UnknownCa,
        [X509VerifyCode.UnableToGetIssuerCertLocally] = UnknownCa,
        [X509VerifyCode.UnableToVerifyLeafSignature] = UnknownCa,
        [X509VerifyCode.Unspecified] = InternalError,
    };

    /// <summary>
    /// Not in x509table: the stapled-OCSP results. RFC 6066 §8: a client that finds the response "not satisfactory"
    /// aborts "with a bad_certificate_status_response(113) alert", which is what OpenSSL's client sends whenever its
    /// status callback rejects the stapled status (ssl/statem/statem_clnt.c, tls_process_initial_server_flight).
    /// </summary>
    private static readonly Dictionary<X509VerifyCode, int> StaplingTable = new()
    {
        [X509VerifyCode.OcspVerifyNeeded] = BadCertificateStatusResponse,
        [X509VerifyCode.OcspVerifyFailed] = BadCertificateStatusResponse,
        [X509VerifyCode.OcspCertUnknown] = BadCertificateStatusResponse,
    };

    /// <summary>The AlertDescription code (e.g. 42 bad_certificate, 45 certificate_expired, 48 unknown_ca).</summary>
    public static int For(X509VerifyCode code) =>
        Table.TryGetValue(code, out var alert) || StaplingTable.TryGetValue(code, out alert) ? alert : CertificateUnknown;
}
