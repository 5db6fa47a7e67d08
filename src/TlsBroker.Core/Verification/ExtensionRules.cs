using System.Security.Cryptography.X509Certificates;
using TlsBroker.Core.Results;

namespace TlsBroker.Core.Verification;

/// <summary>
/// The per-certificate extension rules, leaf first, in the order of OpenSSL 3's check_extensions
/// (crypto/x509/x509_vfy.c) with the policy's purpose: "SSL server" (check_purpose_ssl_server, v3_purp.c)
/// by default, "SSL client" (check_purpose_ssl_client) for clientAuth, or another extended key usage.
/// </summary>
internal static class ExtensionRules
{
    private const string NetscapeServerGatedCryptoOid = "2.16.840.1.113730.4.1";
    private const string MicrosoftServerGatedCryptoOid = "1.3.6.1.4.1.311.10.3.3";

    private const X509KeyUsageFlags TlsServerKeyUsages =
        X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyAgreement;

    private const X509KeyUsageFlags TlsClientKeyUsages = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement;

    public static VerifyOutcome? Check(IReadOnlyList<CertificateFacts> path, ChainRequirements requirements)
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

            if (requirements.Profile == VerificationProfile.Strict && StrictProfileRules.Check(certificate, depth, path.Count) is { } strict)
            {
                return strict;
            }

            // RFC 5280 §4.2.1.6: "If the subjectAltName extension is present, the sequence MUST contain
            // at least one entry." OpenSSL 3 checks it in check_extensions under -x509_strict only; an
            // empty list proves no identity, so the broker always applies it.
            if (certificate.HasEmptySubjectAltName)
            {
                return VerifyFailure.At(X509VerifyCode.EmptySubjectAltName, depth, $"'{certificate.Subject}' has a subjectAltName extension with no name");
            }

            if (!requirements.ExtendedKeyUsages.Any(usage => ServesPurpose(certificate, depth, usage)))
            {
                var wanted = string.Join(" or ", requirements.ExtendedKeyUsages.Select(UsageName));
                return VerifyFailure.At(X509VerifyCode.InvalidPurpose, depth, depth == 0
                    ? $"'{certificate.Subject}' is not for {wanted} (extendedKeyUsage lacks it or keyUsage does not allow it)"
                    : $"the CA '{certificate.Subject}' has an extendedKeyUsage without {wanted}");
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

    /// <summary>
    /// RFC 5280 §4.2.1.12 and §4.2.1.3 as OpenSSL's purposes read them (v3_purp.c xku_reject, ku_reject):
    /// an extendedKeyUsage, when present on any certificate of the path, must list the usage; only the
    /// leaf's keyUsage must also allow the TLS role. No extendedKeyUsage restricts nothing (RFC 5280 §4.2.1.12).
    /// </summary>
    private static bool ServesPurpose(CertificateFacts certificate, int depth, string usage)
    {
        if (certificate.ExtendedKeyUsages is { } usages && !usages.Any(u => Satisfies(u, usage)))
        {
            return false;
        }

        X509KeyUsageFlags? role = usage switch
        {
            ChainRequirements.ServerAuthOid => TlsServerKeyUsages,
            ChainRequirements.ClientAuthOid => TlsClientKeyUsages,
            _ => null,
        };
        return depth > 0 || role is not { } roleUsages || certificate.KeyUsage is not { } keyUsage || (keyUsage & roleUsages) != 0;
    }

    /// <summary>OpenSSL's SSL server purpose also accepts the two Server Gated Crypto usages (XKU_SGC).</summary>
    private static bool Satisfies(string listed, string usage) =>
        listed == usage
        || (usage == ChainRequirements.ServerAuthOid && listed is NetscapeServerGatedCryptoOid or MicrosoftServerGatedCryptoOid);

    private static string UsageName(string usage) => usage switch
    {
        ChainRequirements.ServerAuthOid => "TLS server authentication (serverAuth)",
        ChainRequirements.ClientAuthOid => "TLS client authentication (clientAuth)",
        _ => $"extended key usage {usage}",
    };
}
