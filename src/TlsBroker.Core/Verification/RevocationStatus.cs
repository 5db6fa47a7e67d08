using TlsBroker.Core.Results;

namespace TlsBroker.Core.Verification;

/// <summary>One answer about one certificate, with the verify number it fails with when it is not <see cref="RevocationState.Good"/>.</summary>
/// <param name="NextUpdate">When the answer stops being current (OCSP or CRL nextUpdate), for a good answer; null when the source gives none.</param>
internal sealed record RevocationStatus(RevocationState State, X509VerifyCode Code, string Detail, DateTimeOffset? NextUpdate)
{
    public static RevocationStatus Good(DateTimeOffset? nextUpdate) => new(RevocationState.Good, X509VerifyCode.Ok, "good", nextUpdate);

    public static RevocationStatus Revoked(string detail) => new(RevocationState.Revoked, X509VerifyCode.CertRevoked, detail, null);

    public static RevocationStatus Unavailable(X509VerifyCode code, string detail) => new(RevocationState.Unavailable, code, detail, null);
}
