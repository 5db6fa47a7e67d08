using System.Security.Cryptography.X509Certificates;
using TlsBroker.Core.Results;

namespace TlsBroker.Core.Verification;

/// <summary>
/// The per-certificate extension rules, leaf first, in the order of OpenSSL 3's check_extensions
/// (crypto/x509/x509_vfy.c) with the purpose "SSL server" (check_purpose_ssl_server, v3_purp.c).
/// </summary>
internal static class ExtensionRules
{
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string NetscapeServerGatedCryptoOid = "2.16.840.1.113730.4.1";
    private const string MicrosoftServerGatedCryptoOid = "1.3.6.1.4.1.311.10.3.3";

    private const X509KeyUsageFlags TlsServerKeyUsages =
        X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyAgreement;

    public static VerifyOutcome? Check(IReadOnlyList<CertificateFacts> path)
    {
        var certificatesBelow = 0;
        for (var depth = 0; depth < path.Count; depth++)
        {
            var certificate = path[depth];
            if (certificate.MalformedExtension is { } malformed)
            {
                return VerifyFailure.At(X509VerifyCode.InvalidExtension, depth, $"extension {malformed} of '{certificate.Subject}' does not decode");
            }

            // RFC 5280 §4.2: a certificate-using system MUST reject a certificate with a critical extension it does not recognise.
            if (certificate.UnhandledCriticalExtension is { } critical)
            {
                return VerifyFailure.At(X509VerifyCode.UnhandledCriticalExtension, depth, $"'{certificate.Subject}' has critical extension {critical}");
            }

            var caCheck = CheckCertificateAuthority(certificate, depth);
            if (caCheck is not null)
            {
                return caCheck;
            }

            // RFC 5280 §4.2.1.6: "If the subjectAltName extension is present, the sequence MUST contain
            // at least one entry." OpenSSL 3 checks it in check_extensions under -x509_strict only; an
            // empty list proves no identity, so the broker always applies it.
            if (certificate.HasEmptySubjectAltName)
            {
                return VerifyFailure.At(X509VerifyCode.EmptySubjectAltName, depth, $"'{certificate.Subject}' has a subjectAltName extension with no name");
            }

            if (!ServesTlsServerPurpose(certificate, depth))
            {
                return VerifyFailure.At(X509VerifyCode.InvalidPurpose, depth, depth == 0
                    ? $"'{certificate.Subject}' is not for TLS server authentication (extendedKeyUsage lacks serverAuth or keyUsage fits no TLS key exchange)"
                    : $"the CA '{certificate.Subject}' has an extendedKeyUsage without serverAuth");
            }

            // RFC 5280 §4.2.1.9: pathLenConstraint is the most non-self-issued intermediates that may follow this CA.
            if (depth > 1 && certificate.PathLengthConstraint is { } maximum && certificatesBelow > maximum)
            {
                return VerifyFailure.At(X509VerifyCode.PathLengthExceeded, depth, $"'{certificate.Subject}' allows {maximum} intermediate(s) below it, the path has {certificatesBelow}");
            }

            if (depth > 0 && !certificate.IsSelfIssued)
            {
                certificatesBelow++;
            }
        }

        return null;
    }

    private static VerifyOutcome? CheckCertificateAuthority(CertificateFacts certificate, int depth)
    {
        if (depth == 0)
        {
            // OpenSSL 3 -x509_strict: a leaf marked as a CA other than by basicConstraints (keyUsage
            // keyCertSign without basicConstraints, a version 1 root) is an invalid CA.
            if (certificate.CaVerdict is not (0 or 1))
            {
                return VerifyFailure.At(X509VerifyCode.InvalidCa, depth, $"'{certificate.Subject}' has CA markings without basicConstraints");
            }

            // CA/Browser Forum Baseline Requirements §7.1.2.7.8: a subscriber certificate's basicConstraints
            // has cA FALSE. OpenSSL 3 accepts a CA as the leaf even with -x509_strict; we do not, and report
            // it with OpenSSL's own number for a CA found where a non-CA is required (check_extensions,
            // must_be_ca == 0: "invalid non-CA certificate (has CA markings)").
            return certificate.IsCertificateAuthority
                ? VerifyFailure.At(X509VerifyCode.InvalidNonCa, depth, $"'{certificate.Subject}' is a CA certificate (basicConstraints cA TRUE) and cannot be the server's own")
                : null;
        }

        // RFC 5280 §6.1.4 (k) and (n): every issuer in the path must be a CA by basicConstraints,
        // with a keyUsage (if any) that allows keyCertSign; OpenSSL's X509_check_ca tests both.
        return certificate.CaVerdict != 1
            ? VerifyFailure.At(X509VerifyCode.InvalidCa, depth, $"'{certificate.Subject}' is not a CA (basicConstraints cA is not TRUE or keyUsage lacks keyCertSign)")
            : null;
    }

    /// <summary>RFC 5280 §4.2.1.12 and §4.2.1.3 for "TLS WWW server authentication", as OpenSSL's SSL server purpose reads them.</summary>
    private static bool ServesTlsServerPurpose(CertificateFacts certificate, int depth)
    {
        if (certificate.ExtendedKeyUsages is { } usages
            && !usages.Any(u => u is ServerAuthOid or NetscapeServerGatedCryptoOid or MicrosoftServerGatedCryptoOid))
        {
            return false;
        }

        return depth > 0 || certificate.KeyUsage is not { } keyUsage || (keyUsage & TlsServerKeyUsages) != 0;
    }
}
