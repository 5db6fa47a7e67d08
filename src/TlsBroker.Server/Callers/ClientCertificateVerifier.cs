using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TlsBroker.Server.Callers;

/// <summary>
/// Verifies client certificates against the configured CA file only (never the system store):
/// the TLS handshake accepts any certificate, and this check answers an untrusted one with
/// UNAUTHENTICATED and a reason, which a failed handshake could not carry.
/// </summary>
internal sealed class ClientCertificateVerifier
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly X509Certificate2Collection anchors;

    private ClientCertificateVerifier(X509Certificate2Collection anchors)
    {
        this.anchors = anchors;
    }

    /// <exception cref="CryptographicException">The file holds no certificate.</exception>
    public static ClientCertificateVerifier Load(string caFile)
    {
        var anchors = new X509Certificate2Collection();
        anchors.ImportFromPemFile(caFile);
        return anchors.Count > 0 ? new ClientCertificateVerifier(anchors) : throw new CryptographicException($"{caFile} holds no PEM certificate");
    }

    public bool IsTrusted(X509Certificate2 certificate, out string? rejection)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(anchors);

        // Revocation lists are not configured; fetching them from the network would stall calls.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;

        // RFC 5280 §4.2.1.12: a certificate whose extended key usage lacks id-kp-clientAuth is not for TLS clients.
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuthentication);
        if (chain.Build(certificate))
        {
            rejection = null;
            return true;
        }

        var problems = chain.ChainStatus.Select(status => status.Status.ToString()).Distinct();
        rejection = $"client certificate '{certificate.Subject}' is not trusted: {string.Join(", ", problems)}";
        return false;
    }
}
