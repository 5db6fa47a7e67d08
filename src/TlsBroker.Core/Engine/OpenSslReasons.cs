using Org.BouncyCastle.Tls;

namespace TlsBroker.Core.Engine;

/// <summary>
/// Reason strings as OpenSSL 3 prints them (ssl_err.c), so that a failure reads the way an OpenSSL
/// user expects: "tlsv1 alert protocol version", "certificate verify failed", "wrong version number".
/// </summary>
internal static class OpenSslReasons
{
    public const string CertificateVerifyFailed = "certificate verify failed";

    public const string WrongVersionNumber = "wrong version number";

    public const string UnexpectedEof = "unexpected eof while reading";

    /// <summary>SSL_R_PROTOCOL_IS_SHUTDOWN: a write after close_notify was sent.</summary>
    public const string ProtocolIsShutdown = "protocol is shutdown";

    /// <summary>OpenSSL puts nothing on its error queue here; s_client prints "closed".</summary>
    public const string ClosedDuringHandshake = "closed: close_notify received during the handshake";

    /// <summary>SSL3 alerts are "sslv3 alert ..."; later ones "tlsv1 alert ..." (SSL_R_SSLV3_ALERT_*, SSL_R_TLSV1_ALERT_*).</summary>
    public static string AlertReceived(short description) => description switch
    {
        AlertDescription.unrecognized_name => "tlsv1 unrecognized name",
        AlertDescription.unsupported_extension => "tlsv1 unsupported extension",
        AlertDescription.certificate_unobtainable => "tlsv1 certificate unobtainable",
        AlertDescription.bad_certificate_status_response => "tlsv1 bad certificate status response",
        AlertDescription.bad_certificate_hash_value => "tlsv1 bad certificate hash value",
        AlertDescription.user_canceled => "tlsv1 alert user cancelled",
        AlertDescription.missing_extension => "tlsv13 alert missing extension",
        AlertDescription.certificate_required => "tlsv13 alert certificate required",
        <= AlertDescription.illegal_parameter => "sslv3 alert " + Spaced(description),
        _ => "tlsv1 alert " + Spaced(description),
    };

    /// <summary>The reason OpenSSL gives when it is the one raising <paramref name="description"/>.</summary>
    public static string AlertSent(short description) => description switch
    {
        AlertDescription.protocol_version => "unsupported protocol",
        AlertDescription.bad_record_mac => "decryption failed or bad record mac",
        AlertDescription.record_overflow => "packet length too long",
        AlertDescription.decrypt_error => "bad signature",
        AlertDescription.handshake_failure => "handshake failure",
        AlertDescription.insufficient_security => "insufficient security",
        _ => Spaced(description),
    };

    public static string AlertName(short description) => AlertDescription.GetName(description);

    private static string Spaced(short description) => AlertDescription.GetName(description).Replace('_', ' ');
}
