namespace TlsBroker.Core.Results;

/// <summary>The result of verifying the server's certificate chain.</summary>
/// <param name="Code">The OpenSSL 3 verify number.</param>
/// <param name="Depth">Index in the chain of the certificate the result is about (0 = the server's own).</param>
/// <param name="Reason">Human-readable text, as <c>X509_verify_cert_error_string</c> would give it plus detail.</param>
public sealed record VerifyOutcome(X509VerifyCode Code, int Depth, string Reason)
{
    public static VerifyOutcome Ok { get; } = new(X509VerifyCode.Ok, 0, "ok");

    public bool IsOk => Code == X509VerifyCode.Ok;

    /// <summary>
    /// On a success under a soft-fail revocation policy: why the revocation status of a certificate could not be
    /// established (its verify number, depth and reason), or null when it was or when revocation is not checked.
    /// </summary>
    public VerifyOutcome? RevocationUnverified { get; init; }

    /// <summary>The constant's OpenSSL name, e.g. <c>X509_V_ERR_HOSTNAME_MISMATCH</c>.</summary>
    public string OpenSslName => X509VerifyCodeNames.OpenSslName(Code);
}
