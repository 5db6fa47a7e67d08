namespace TlsBroker.Core.Verification;

/// <summary>The set of certificate-profile rules a policy verifies with.</summary>
public enum VerificationProfile
{
    /// <summary>The WebPKI rules (the default): what a browser or OpenSSL's TLS client enforces, and the broker's stricter rules documented in README.</summary>
    WebPki,

    /// <summary>
    /// WebPKI plus the RFC 5280 profile checks OpenSSL 3 makes under <c>-x509_strict</c>
    /// (X509_V_FLAG_X509_STRICT), numbered as OpenSSL numbers them (<see cref="StrictProfileRules"/>).
    /// </summary>
    Strict,
}
