using Org.BouncyCastle.Tls;
using TlsBroker.Core.Results;
using TlsBroker.Core.Verification;

namespace TlsBroker.Core.Engine;

/// <summary>
/// Failures caused by what the server sent that BouncyCastle (2.7) raises as internal_error or as a bare
/// EndOfStreamException, named here the way OpenSSL 3 names them: the alert it sends and its reason.
/// Matched on BouncyCastle's messages, so the engine's tests that feed these inputs fail loudly when an
/// upgrade rewords them.
/// </summary>
internal sealed record PeerInputFailure(short Alert, string Reason, VerifyOutcome Verify)
{
    /// <summary>
    /// OpenSSL's max_cert_list default (SSL_CTX_set_max_cert_list(3): 100 KiB), applied to every handshake
    /// message: a longer one is "excessive message size", so a 1 MB certificate or a 16 MiB length field is refused
    /// before it is buffered.
    /// </summary>
    public const int MaxHandshakeMessageBytes = 100 * 1024;

    /// <summary>
    /// Certificates a server may send in one Certificate message. Real chains have 2 to 4; OpenSSL bounds only the
    /// verified path (depth 100), BouncyCastle the message (10 by default), which is kept.
    /// </summary>
    public const int MaxCertificateChainLength = 10;

    /// <summary>OpenSSL ssl3_read_bytes: MAX_WARN_ALERT_COUNT warning alerts in a row end the connection.</summary>
    public const int MaxWarningAlertsInARow = 5;

    public static PeerInputFailure TooManyWarningAlerts { get; } =
        new(AlertDescription.unexpected_message, "too many warn alerts", VerifyOutcome.Ok);

    /// <summary>OpenSSL tls_process_server_certificate: a certificate d2i_X509 cannot decode is bad_certificate, ERR_R_ASN1_LIB.</summary>
    public static PeerInputFailure UndecodableCertificate { get; } =
        new(AlertDescription.bad_certificate, "ASN1 lib", VerifyOutcome.Ok);

    /// <summary>The failure's OpenSSL naming, or null when BouncyCastle's own alert and reason already say it.</summary>
    public static PeerInputFailure? Classify(Exception exception) => exception switch
    {
        // RFC 8446 §6.2 decode_error: "the length of the message was incorrect"; OpenSSL's SSL_R_LENGTH_MISMATCH.
        EndOfStreamException => new(AlertDescription.decode_error, "length mismatch", VerifyOutcome.Ok),
        TlsFatalAlert { AlertDescription: AlertDescription.internal_error } alert when Says(alert, "Handshake message length exceeds the maximum") =>
            new(AlertDescription.illegal_parameter, "excessive message size", VerifyOutcome.Ok),
        TlsFatalAlert { AlertDescription: AlertDescription.internal_error } alert when Says(alert, "Certificate chain longer than maximum") => ChainTooLong(),
        TlsFatalAlert { AlertDescription: AlertDescription.unexpected_message } alert when Says(alert, TooManyWarningAlerts.Reason) => TooManyWarningAlerts,
        TlsFatalAlert { AlertDescription: AlertDescription.bad_certificate } alert when Says(alert, UndecodableCertificate.Reason) => UndecodableCertificate,

        // OpenSSL ssl3_get_record: a record whose version is not 3.x is SSL_R_WRONG_VERSION_NUMBER, protocol_version.
        // BouncyCastle reads the DTLS-reserved versions {0xFE, 0xFE/0xFF} with an ArgumentException, then wraps it in internal_error.
        ArgumentException argument when argument.Message.Contains("is a reserved protocol version", StringComparison.Ordinal) =>
            new(AlertDescription.protocol_version, OpenSslReasons.WrongVersionNumber, VerifyOutcome.Ok),
        TlsFatalAlert { AlertDescription: AlertDescription.internal_error, InnerException: ArgumentException inner } => Classify(inner),
        _ => null,
    };

    private static PeerInputFailure ChainTooLong()
    {
        var verify = new VerifyOutcome(
            X509VerifyCode.CertChainTooLong, MaxCertificateChainLength, $"certificate chain too long: the server sent more than {MaxCertificateChainLength} certificates");
        return new((short)VerifyAlert.For(verify.Code), OpenSslReasons.CertificateVerifyFailed, verify);
    }

    private static bool Says(TlsFatalAlert alert, string text) => alert.Message.Contains(text, StringComparison.Ordinal);
}
