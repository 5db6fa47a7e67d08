using System.Globalization;
using System.Text;
using TlsBroker.Client;

namespace TlsBroker.Cli.Connect;

/// <summary>
/// The one-line outcomes <c>tlsbroker connect</c> prints on stderr, with OpenSSL's field names
/// and numbers: <c>ret=</c> as SSL_connect(3)/SSL_read(3) return it, <c>error=</c> the
/// SSL_get_error(3) name, <c>alert=</c> the RFC alert name and code, <c>verify=</c> the X509_V_* number.
/// </summary>
internal static class StatusLine
{
    /// <summary>OpenSSL 3's wording for SSL_R_UNEXPECTED_EOF_WHILE_READING, used when the broker gives no reason.</summary>
    private const string UnexpectedEofReason = "unexpected eof while reading";

    /// <summary>e.g. <c>ret=1 error=SSL_ERROR_NONE version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 group=x25519 alpn=h2 verify=0</c>.</summary>
    public static string Established(BrokerTlsSessionInfo info) => string.Create(
        CultureInfo.InvariantCulture,
        $"ret=1 error=SSL_ERROR_NONE version={info.ProtocolVersion} cipher={info.CipherSuite} group={info.Group} alpn={info.Alpn ?? "none"} verify={info.Verify.Code}{(info.Resumed ? " resumed" : string.Empty)}");

    /// <summary>e.g. <c>ret=-1 error=SSL_ERROR_SSL alert=bad_certificate(42) sent verify=62 reason="..."</c>; verify is always shown, 0 when fine.</summary>
    public static string HandshakeFailed(BrokerTlsResult result) => Format(result, includeVerify: true);

    /// <summary>
    /// After a verify failure: which broker and policy judged the certificate. Its trust anchors decide, not this
    /// machine's; a broker other than the one meant (another still holding the port) fails here with a true but misleading verify code.
    /// </summary>
    public static string VerifiedBy(Uri broker, string policy) =>
        $"tlsbroker: the broker at {broker} refused the certificate under its policy '{(policy.Length == 0 ? "default" : policy)}' (its trust anchors decide)";

    /// <summary>How an established session ended: <c>ret=0 error=SSL_ERROR_ZERO_RETURN</c>, <c>ret=-1 error=SSL_ERROR_SYSCALL reason="unexpected eof while reading"</c>, or an error with its alert.</summary>
    public static string SessionEnded(BrokerTlsResult result) => Format(result, includeVerify: !result.Verify.IsOk);

    private static string Format(BrokerTlsResult result, bool includeVerify)
    {
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"ret={result.Ret} error={result.ErrorName}");
        if (result.Alert is { } alert)
        {
            var name = alert.Name.Length == 0 ? "unknown" : alert.Name;
            line.Append(CultureInfo.InvariantCulture, $" alert={name}({alert.Code}) {(alert.Sent ? "sent" : "received")}");
        }

        if (includeVerify)
        {
            line.Append(CultureInfo.InvariantCulture, $" verify={result.Verify.Code}");
        }

        var reason = result.Reason.Length == 0 && result.Error == SslErrorCode.Syscall ? UnexpectedEofReason : result.Reason;
        if (reason.Length > 0)
        {
            line.Append(" reason=").Append(Quote(reason));
        }

        return line.ToString();
    }

    private static string Quote(string text)
    {
        var quoted = new StringBuilder("\"", text.Length + 2);
        foreach (var c in text)
        {
            _ = c switch
            {
                '"' => quoted.Append("\\\""),
                '\\' => quoted.Append("\\\\"),
                '\n' => quoted.Append("\\n"),
                '\r' => quoted.Append("\\r"),
                _ when char.IsControl(c) => quoted.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => quoted.Append(c),
            };
        }

        return quoted.Append('"').ToString();
    }
}
