using System.Globalization;
using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.X509;
using TlsBroker.Core.Results;

namespace TlsBroker.Core.Verification;

/// <summary>
/// Checks an OCSP response the server stapled (RFC 6066 §8, RFC 8446 §4.4.2.1) for the server's certificate, as
/// OpenSSL's OCSP_basic_verify, OCSP_resp_find_status and OCSP_check_validity do, against the issuer of the verified path.
/// </summary>
internal static class StapledOcspCheck
{
    /// <summary>The clock skew allowed on thisUpdate and nextUpdate: OpenSSL's MAX_VALIDITY_PERIOD (apps/ocsp.c, s_client), 5 minutes.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>RFC 6960 §4.2.2.2: id-kp-OCSPSigning, which a delegated responder's certificate must carry.</summary>
    private const string OcspSigningOid = "1.3.6.1.5.5.7.3.9";

    public static RevocationStatus Check(byte[]? stapled, X509Certificate leaf, X509Certificate issuer, DateTimeOffset now)
    {
        if (stapled is null)
        {
            return RevocationStatus.Unavailable(X509VerifyCode.OcspVerifyNeeded, "the server stapled no OCSP response");
        }

        BasicOcspResp basic;
        try
        {
            var response = new OcspResp(stapled);

            // RFC 6960 §4.2.1: only a "successful" response has a responseBytes to check.
            if (response.Status != OcspRespStatus.Successful)
            {
                return Failed($"the stapled OCSP response's status is {response.Status}, not successful (0)");
            }

            if (response.GetResponseObject() is not BasicOcspResp parsed)
            {
                return Failed("the stapled OCSP response is not an id-pkix-ocsp-basic response");
            }

            basic = parsed;
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or OcspException)
        {
            return Failed($"the stapled OCSP response does not parse: {e.Message}");
        }

        if (!IsSignedByIssuerOrItsResponder(basic, issuer, now, out var signer))
        {
            return Failed($"the stapled OCSP response is signed neither by '{issuer.SubjectDN}' nor by a responder it certified for OCSP signing (RFC 6960 §4.2.2.2)");
        }

        // RFC 6960 §3.2 (1): the certificate identified in the response is the one being checked.
        var single = basic.Responses.FirstOrDefault(r => IdentifiesCertificate(r.GetCertID(), leaf, issuer));
        if (single is null)
        {
            return Failed($"the stapled OCSP response has no status for serial {leaf.SerialNumber.ToString(16)} issued by '{issuer.SubjectDN}'");
        }

        if (FreshnessProblem(single, now) is { } stale)
        {
            return Failed(stale);
        }

        return single.GetCertStatus() switch
        {
            null => RevocationStatus.Good(single.NextUpdate is { } next ? new DateTimeOffset(next, TimeSpan.Zero) : null),
            RevokedStatus revoked => RevocationStatus.Revoked(
                string.Create(CultureInfo.InvariantCulture, $"the stapled OCSP response (signed by '{signer}') says the certificate was revoked at {revoked.RevocationTime:u}{Reason(revoked)}")),
            _ => RevocationStatus.Unavailable(X509VerifyCode.OcspCertUnknown, "the OCSP responder does not know the certificate (status unknown)"),
        };
    }

    private static RevocationStatus Failed(string detail) => RevocationStatus.Unavailable(X509VerifyCode.OcspVerifyFailed, detail);

    private static string Reason(RevokedStatus revoked) =>
        revoked.HasRevocationReason ? string.Create(CultureInfo.InvariantCulture, $", reason {revoked.RevocationReason}") : string.Empty;

    private static bool IdentifiesCertificate(CertificateID id, X509Certificate leaf, X509Certificate issuer)
    {
        try
        {
            return id.SerialNumber.Equals(leaf.SerialNumber) && id.MatchesIssuer(issuer);
        }
        catch (Exception e) when (e is OcspException or ArgumentException or InvalidOperationException or Org.BouncyCastle.Security.SecurityUtilityException)
        {
            return false;
        }
    }

    /// <summary>
    /// RFC 6960 §4.2.2.2: the response is signed by the CA that issued the certificate, or by a responder whose
    /// certificate that CA issued with id-kp-OCSPSigning. Local trusted responders are not configured.
    /// </summary>
    private static bool IsSignedByIssuerOrItsResponder(BasicOcspResp basic, X509Certificate issuer, DateTimeOffset now, out string signer)
    {
        signer = issuer.SubjectDN.ToString();
        if (Names(basic.ResponderId, issuer))
        {
            return VerifiesWith(basic, issuer);
        }

        foreach (var responder in basic.GetCerts())
        {
            if (!Names(basic.ResponderId, responder))
            {
                continue;
            }

            signer = responder.SubjectDN.ToString();
            return IsDelegatedBy(responder, issuer, now) && VerifiesWith(basic, responder);
        }

        return false;
    }

    private static bool Names(RespID id, X509Certificate certificate) =>
        id.Equals(new RespID(certificate.SubjectDN)) || id.Equals(new RespID(certificate.GetPublicKey()));

    private static bool VerifiesWith(BasicOcspResp basic, X509Certificate certificate)
    {
        try
        {
            return basic.Verify(certificate.GetPublicKey());
        }
        catch (Exception e) when (e is OcspException or ArgumentException or InvalidOperationException or Org.BouncyCastle.Security.InvalidKeyException)
        {
            return false;
        }
    }

    private static bool IsDelegatedBy(X509Certificate responder, X509Certificate issuer, DateTimeOffset now)
    {
        try
        {
            responder.Verify(issuer.GetPublicKey());
        }
        catch (Exception e) when (e is Org.BouncyCastle.Security.Certificates.CertificateException or Org.BouncyCastle.Security.InvalidKeyException
            or Org.BouncyCastle.Security.SignatureException or ArgumentException or InvalidOperationException)
        {
            return false;
        }

        var usages = responder.GetExtendedKeyUsage();
        return responder.IssuerDN.Equivalent(issuer.SubjectDN)
            && usages is not null
            && usages.Any(usage => usage.Id == OcspSigningOid)
            && responder.IsValid(now.UtcDateTime);
    }

    /// <summary>OpenSSL's OCSP_check_validity with a 5-minute skew and no maximum age: thisUpdate not in the future, nextUpdate not past.</summary>
    private static string? FreshnessProblem(SingleResp single, DateTimeOffset now)
    {
        var thisUpdate = new DateTimeOffset(single.ThisUpdate, TimeSpan.Zero);
        if (thisUpdate > now + ClockSkew)
        {
            return $"the stapled OCSP response is not yet valid (thisUpdate {thisUpdate:u})";
        }

        if (single.NextUpdate is not { } next)
        {
            return null;
        }

        var nextUpdate = new DateTimeOffset(next, TimeSpan.Zero);
        if (nextUpdate < now - ClockSkew)
        {
            return $"the stapled OCSP response is stale (nextUpdate {nextUpdate:u})";
        }

        return nextUpdate < thisUpdate ? $"the stapled OCSP response's nextUpdate {nextUpdate:u} is before its thisUpdate {thisUpdate:u}" : null;
    }
}
