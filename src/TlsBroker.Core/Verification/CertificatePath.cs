using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TlsBroker.Core.Results;

namespace TlsBroker.Core.Verification;

/// <summary>
/// The path .NET's <see cref="X509Chain"/> built from the server's certificate to a trust anchor
/// (or as far as it got), leaf first. Only the path and its signatures come from X509Chain; the
/// rules themselves are checked by the verifier on <see cref="Certificates"/>.
/// </summary>
internal sealed class CertificatePath : IDisposable
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");

    private readonly X509Chain chain;

    private CertificatePath(X509Chain chain)
    {
        this.chain = chain;
        Certificates = chain.ChainElements.Select(e => e.Certificate).ToList();
        var statuses = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        Untrusted = (statuses & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0
            ? DescribeUntrusted()
            : null;
    }

    /// <summary>Leaf first; the last one is the trust anchor when <see cref="Untrusted"/> is null.</summary>
    public IReadOnlyList<X509Certificate2> Certificates { get; }

    /// <summary>The build_chain failure OpenSSL would report, or null when the path ends at an anchor.</summary>
    public VerifyOutcome? Untrusted { get; }

    public static CertificatePath Build(IReadOnlyList<X509Certificate2> sent, TrustAnchors anchors, DateTimeOffset now)
    {
        var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(anchors.Certificates.ToArray());
        policy.ExtraStore.AddRange(sent.Skip(1).ToArray());
        policy.DisableCertificateDownloads = true;
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.VerificationTime = now.UtcDateTime;
        policy.VerificationTimeIgnored = false;
        policy.ApplicationPolicy.Add(ServerAuth);

        // The result of Build is not used: the path's status flags are read below and every rule
        // is re-checked on the certificates, because the flags are too coarse to number errors.
        chain.Build(sent[0]);
        return new CertificatePath(chain);
    }

    /// <summary>
    /// OpenSSL 3 internal_verify: from the top of the path down, each certificate's signature
    /// (not the self-signed anchor's) and then its validity period (RFC 5280 §6.1.3 (a)(1)-(2),
    /// applied to the anchor too as OpenSSL does).
    /// </summary>
    public VerifyOutcome? CheckSignaturesAndTimes(DateTimeOffset now)
    {
        var at = now.ToUnixTimeSeconds();
        for (var depth = Certificates.Count - 1; depth >= 0; depth--)
        {
            var status = chain.ChainElements[depth].ChainElementStatus
                .Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
            if ((status & X509ChainStatusFlags.NotSignatureValid) != 0)
            {
                return VerifyFailure.At(X509VerifyCode.CertSignatureFailure, depth, $"the signature of '{Certificates[depth].Subject}' does not verify");
            }

            var certificate = Certificates[depth];
            var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime()).ToUnixTimeSeconds();
            var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime()).ToUnixTimeSeconds();
            if (notBefore > at)
            {
                return VerifyFailure.At(X509VerifyCode.CertNotYetValid, depth, $"'{certificate.Subject}' is valid from {certificate.NotBefore.ToUniversalTime():u}");
            }

            if (notAfter <= at)
            {
                return VerifyFailure.At(X509VerifyCode.CertHasExpired, depth, $"'{certificate.Subject}' expired at {certificate.NotAfter.ToUniversalTime():u}");
            }
        }

        return null;
    }

    public void Dispose()
    {
        foreach (var element in chain.ChainElements)
        {
            element.Certificate.Dispose();
        }

        chain.Dispose();
    }

    /// <summary>OpenSSL 3 build_chain's verdict on a path that did not reach an anchor.</summary>
    private VerifyOutcome DescribeUntrusted()
    {
        var top = Certificates.Count - 1;
        var certificate = Certificates[top];
        if (IsSelfIssued(certificate))
        {
            return top == 0
                ? VerifyFailure.At(X509VerifyCode.DepthZeroSelfSignedCert, top, $"'{certificate.Subject}' is self-signed and not a trust anchor")
                : VerifyFailure.At(X509VerifyCode.SelfSignedCertInChain, top, $"the root '{certificate.Subject}' is not a trust anchor");
        }

        return VerifyFailure.At(X509VerifyCode.UnableToGetIssuerCertLocally, top, $"no trust anchor or sent certificate is the issuer '{certificate.Issuer}'");
    }

    internal static bool IsSelfIssued(X509Certificate2 certificate) =>
        certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);
}
