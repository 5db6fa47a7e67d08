using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TlsBroker.Core.Results;

namespace TlsBroker.Core.Verification;

/// <summary>
/// WebPKI-style verification of a server's chain against one policy's trust anchors, with the
/// result numbered as OpenSSL 3 numbers it.
/// </summary>
/// <remarks>
/// .NET's <see cref="X509Chain"/> only builds the path and checks its signatures; every other rule
/// is checked here on the built path's certificates, in the order OpenSSL 3's verify_chain reports
/// them (crypto/x509/x509_vfy.c), so the first failure has the number OpenSSL would give it.
/// </remarks>
public sealed class CertificateVerifier(TrustAnchors trustAnchors)
{
    public TrustAnchors TrustAnchors { get; } = trustAnchors;

    /// <summary>Verifies <paramref name="chainDer"/> (as sent: the server's own certificate first) for <paramref name="identity"/> at <paramref name="now"/>.</summary>
    public VerifyOutcome Verify(IReadOnlyList<byte[]> chainDer, ServerIdentity identity, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfZero(chainDer.Count, nameof(chainDer));
        var sent = new List<X509Certificate2>(chainDer.Count);
        try
        {
            for (var depth = 0; depth < chainDer.Count; depth++)
            {
                if (!TryLoad(chainDer[depth], out var certificate))
                {
                    return VerifyFailure.At(X509VerifyCode.Unspecified, depth, "the certificate does not parse as DER X.509");
                }

                sent.Add(certificate);
            }

            using var path = CertificatePath.Build(sent, TrustAnchors, now);
            return path.Untrusted
                ?? path.CheckSignaturesAndTimes(now)
                ?? IdentityCheck.Check(path.Certificates[0], identity)
                ?? VerifyOutcome.Ok;
        }
        finally
        {
            foreach (var certificate in sent)
            {
                certificate.Dispose();
            }
        }
    }

    private static bool TryLoad(byte[] der, [NotNullWhen(true)] out X509Certificate2? certificate)
    {
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(der);
            return true;
        }
        catch (CryptographicException)
        {
            certificate = null;
            return false;
        }
    }
}
