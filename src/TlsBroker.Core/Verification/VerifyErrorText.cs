using TlsBroker.Core.Results;

namespace TlsBroker.Core.Verification;

/// <summary>OpenSSL 3's X509_verify_cert_error_string text for the results the verifier produces.</summary>
internal static class VerifyErrorText
{
    private static readonly Dictionary<X509VerifyCode, string> Texts = new()
    {
        [X509VerifyCode.Unspecified] = "unspecified certificate verification error",
        [X509VerifyCode.CertSignatureFailure] = "certificate signature failure",
        [X509VerifyCode.CertNotYetValid] = "certificate is not yet valid",
        [X509VerifyCode.CertHasExpired] = "certificate has expired",
        [X509VerifyCode.DepthZeroSelfSignedCert] = "self-signed certificate",
        [X509VerifyCode.SelfSignedCertInChain] = "self-signed certificate in certificate chain",
        [X509VerifyCode.UnableToGetIssuerCertLocally] = "unable to get local issuer certificate",
        [X509VerifyCode.CertChainTooLong] = "certificate chain too long",
        [X509VerifyCode.PathLengthExceeded] = "path length constraint exceeded",
        [X509VerifyCode.InvalidPurpose] = "unsuitable certificate purpose",
        [X509VerifyCode.InvalidNonCa] = "invalid non-CA certificate (has CA markings)",
        [X509VerifyCode.InvalidExtension] = "invalid or inconsistent certificate extension",
        [X509VerifyCode.UnhandledCriticalExtension] = "unhandled critical extension",
        [X509VerifyCode.PermittedViolation] = "permitted subtree violation",
        [X509VerifyCode.ExcludedViolation] = "excluded subtree violation",
        [X509VerifyCode.UnsupportedConstraintType] = "unsupported name constraint type",
        [X509VerifyCode.HostnameMismatch] = "hostname mismatch",
        [X509VerifyCode.EmailMismatch] = "email address mismatch",
        [X509VerifyCode.IpAddressMismatch] = "IP address mismatch",
        [X509VerifyCode.EeKeyTooSmall] = "EE certificate key too weak",
        [X509VerifyCode.CaKeyTooSmall] = "CA certificate key too weak",
        [X509VerifyCode.CaMdTooWeak] = "CA signature digest algorithm too weak",
        [X509VerifyCode.InvalidCa] = "invalid CA certificate",
        [X509VerifyCode.DaneNoMatch] = "no matching DANE TLSA records",
        [X509VerifyCode.EmptySubjectAltName] = "Empty Subject Alternative Name extension",
        [X509VerifyCode.SignatureAlgorithmInconsistency] = "cert info signature and signature algorithm mismatch",
        [X509VerifyCode.PathlenInvalidForNonCa] = "Path length invalid for non-CA cert",
        [X509VerifyCode.PathlenWithoutKuKeyCertSign] = "Path length given without key usage keyCertSign",
        [X509VerifyCode.KuKeyCertSignInvalidForNonCa] = "Key usage keyCertSign invalid for non-CA cert",
        [X509VerifyCode.IssuerNameEmpty] = "Issuer name empty",
        [X509VerifyCode.SubjectNameEmpty] = "Subject name empty",
        [X509VerifyCode.MissingAuthorityKeyIdentifier] = "Missing Authority Key Identifier",
        [X509VerifyCode.MissingSubjectKeyIdentifier] = "Missing Subject Key Identifier",
        [X509VerifyCode.EmptySubjectSanNotCritical] = "Subject empty and Subject Alt Name extension not critical",
        [X509VerifyCode.CaBconsNotCritical] = "Basic Constraints of CA cert not marked critical",
        [X509VerifyCode.AuthorityKeyIdentifierCritical] = "Authority Key Identifier marked critical",
        [X509VerifyCode.SubjectKeyIdentifierCritical] = "Subject Key Identifier marked critical",
        [X509VerifyCode.CaCertMissingKeyUsage] = "CA cert does not include key usage extension",
        [X509VerifyCode.ExtensionsRequireVersion3] = "Using cert extension requires at least X509v3",
        [X509VerifyCode.EcKeyExplicitParams] = "Certificate public key has explicit ECC parameters",
        [X509VerifyCode.UnableToGetCrl] = "unable to get certificate CRL",
        [X509VerifyCode.CrlSignatureFailure] = "CRL signature failure",
        [X509VerifyCode.CrlNotYetValid] = "CRL is not yet valid",
        [X509VerifyCode.CrlHasExpired] = "CRL has expired",
        [X509VerifyCode.CertRevoked] = "certificate revoked",
        [X509VerifyCode.KeyusageNoCrlSign] = "key usage does not include CRL signing",
        [X509VerifyCode.OcspVerifyNeeded] = "OCSP verification needed",
        [X509VerifyCode.OcspVerifyFailed] = "OCSP verification failed",
        [X509VerifyCode.OcspCertUnknown] = "OCSP unknown cert",
    };

    public static string For(X509VerifyCode code) =>
        Texts.TryGetValue(code, out var text) ? text : $"error number {(int)code}";
}
