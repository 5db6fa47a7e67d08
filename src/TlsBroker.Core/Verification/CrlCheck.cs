using Org.BouncyCastle.X509;
using TlsBroker.Core.Results;

namespace TlsBroker.Core.Verification;

/// <summary>
/// Checks one certificate of the path against the policy's CRLs, in the order of OpenSSL 3's check_cert
/// (crypto/x509/x509_vfy.c): find a CRL of the issuer (get_crl_sk), check_crl (the issuer's keyUsage, the CRL's
/// times, its signature), then cert_crl (is the serial listed).
/// </summary>
internal static class CrlCheck
{
    /// <summary>RFC 5280 §4.2.1.3 KeyUsage bit cRLSign.</summary>
    private const int CrlSignBit = 6;

    public static RevocationStatus Check(RevocationLists lists, X509Certificate certificate, X509Certificate issuer, DateTimeOffset now)
    {
        var candidates = lists.IssuedBy(certificate.IssuerDN).ToList();
        if (candidates.Count == 0)
        {
            return RevocationStatus.Unavailable(X509VerifyCode.UnableToGetCrl, $"no CRL issued by '{certificate.IssuerDN}' is configured");
        }

        // get_crl_sk prefers a CRL that is current and whose issuer is the certificate's own issuer.
        var crl = candidates.FirstOrDefault(c => SignedBy(c, issuer) && TimeProblem(c, now) is null)
            ?? candidates.FirstOrDefault(c => SignedBy(c, issuer))
            ?? candidates[0];

        // RFC 5280 §4.2.1.3: "the cRLSign bit is asserted when the subject public key is used for verifying signatures on CRLs".
        if (issuer.GetKeyUsage() is { } usage && (usage.Length <= CrlSignBit || !usage[CrlSignBit]))
        {
            return RevocationStatus.Unavailable(X509VerifyCode.KeyusageNoCrlSign, $"the keyUsage of '{issuer.SubjectDN}' does not allow cRLSign");
        }

        if (TimeProblem(crl, now) is { } time)
        {
            return time;
        }

        if (!SignedBy(crl, issuer))
        {
            return RevocationStatus.Unavailable(X509VerifyCode.CrlSignatureFailure, $"the CRL of '{crl.IssuerDN}' does not verify with the key of the issuer in the path");
        }

        if (crl.GetRevokedCertificate(certificate.SerialNumber) is { } entry)
        {
            return RevocationStatus.Revoked($"the CRL of '{crl.IssuerDN}' lists serial {certificate.SerialNumber.ToString(16)} as revoked at {entry.RevocationDate:u}");
        }

        return RevocationStatus.Good(crl.NextUpdate is { } next ? new DateTimeOffset(next, TimeSpan.Zero) : null);
    }

    private static bool SignedBy(X509Crl crl, X509Certificate issuer)
    {
        try
        {
            return crl.IsSignatureValid(issuer.GetPublicKey());
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or Org.BouncyCastle.Security.InvalidKeyException
            or Org.BouncyCastle.Security.SignatureException or Org.BouncyCastle.Security.Certificates.CrlException)
        {
            return false;
        }
    }

    /// <summary>OpenSSL 3 check_crl_time, in whole seconds as X509_cmp_time compares: lastUpdate not after now, nextUpdate after now.</summary>
    private static RevocationStatus? TimeProblem(X509Crl crl, DateTimeOffset now)
    {
        var at = now.ToUnixTimeSeconds();
        var thisUpdate = new DateTimeOffset(crl.ThisUpdate, TimeSpan.Zero);
        if (thisUpdate.ToUnixTimeSeconds() > at)
        {
            return RevocationStatus.Unavailable(X509VerifyCode.CrlNotYetValid, $"the CRL of '{crl.IssuerDN}' is valid from {thisUpdate:u}");
        }

        if (crl.NextUpdate is { } next && new DateTimeOffset(next, TimeSpan.Zero).ToUnixTimeSeconds() <= at)
        {
            return RevocationStatus.Unavailable(X509VerifyCode.CrlHasExpired, $"the CRL of '{crl.IssuerDN}' expired at {next:u}");
        }

        return null;
    }
}
