using TlsBroker.Core.Results;

namespace TlsBroker.Core.Verification;

/// <summary>Which TLS alert a failed verification sends, as OpenSSL's ssl_x509err2alert table does.</summary>
public static class VerifyAlert
{
    /// <summary>The AlertDescription code (e.g. 42 bad_certificate, 45 certificate_expired, 48 unknown_ca).</summary>
    public static int For(X509VerifyCode code)
    {
        throw new NotImplementedException();
    }
}
