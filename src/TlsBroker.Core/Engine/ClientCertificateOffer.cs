using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using TlsBroker.Core.Crypto;
using TlsBroker.Core.Identity;
using TlsBroker.Core.Policy;

namespace TlsBroker.Core.Engine;

/// <summary>
/// Answers a server's CertificateRequest with the policy's client identity when the request allows
/// it, and with no certificate (an empty Certificate message) when it does not: the server then
/// decides whether that is enough. OpenSSL's client withholds its certificate the same way when no
/// signature scheme fits (ssl3_check_client_certificate, tls_choose_sigalg); it checks the CA names
/// and certificate types only in strict mode (SSL_CERT_FLAG_TLS_STRICT, tls1_check_chain), which is
/// what the broker does always, as a held key should go only where it is asked for.
/// It keeps only the policy, and reads the policy's schemes when a request comes, so that a session holds no copy of them.
/// </summary>
internal sealed class ClientCertificateOffer(TlsPolicy policy)
{
    private static readonly int[] RsaPssRsae =
        [SignatureScheme.rsa_pss_rsae_sha256, SignatureScheme.rsa_pss_rsae_sha384, SignatureScheme.rsa_pss_rsae_sha512];

    /// <summary>Whether a certificate was presented in this handshake.</summary>
    public bool Sent { get; private set; }

    public TlsCredentials? Choose(TlsContext context, CertificateRequest request)
    {
        if (policy.ClientIdentity is not { } identity)
        {
            return null;
        }

        var tls13 = TlsUtilities.IsTlsV13(context.ServerVersion);

        // RFC 5246 §7.4.4: certificate_types lists "the types of certificates the client may offer"; TLS 1.3 has none.
        if (!tls13 && (request.CertificateTypes is not { } types || !types.Contains(identity.CertificateType)))
        {
            return null;
        }

        // RFC 5246 §7.4.4 / RFC 8446 §4.2.4: the certificate must be issued by (chain to) one of the listed CAs, when a list is sent.
        if (request.CertificateAuthorities is { Count: > 0 } authorities && !ChainsTo(identity, authorities))
        {
            return null;
        }

        var scheme = ChooseScheme(identity.KeyKind, request.SupportedSignatureAlgorithms, tls13);
        if (scheme < 0)
        {
            return null;
        }

        var crypto = (BcTlsCrypto)context.Crypto;
        var certificates = identity.Certificates.Select(der => crypto.CreateCertificate(der)).ToArray();
        var certificate = tls13
            ? new Certificate(request.GetCertificateRequestContext(), certificates.Select(c => new CertificateEntry(c, null)).ToArray())
            : new Certificate(certificates);
        Sent = true;
        if (crypto is DotNetTlsCrypto && identity.DotNetKey is { } dotNetKey)
        {
            return new DotNetCredentialedSigner(certificate, scheme, dotNetKey);
        }

        return new BcDefaultTlsCredentialedSigner(
            new TlsCryptoParameters(context), crypto, identity.PrivateKey, certificate, SignatureScheme.GetSignatureAndHashAlgorithm(scheme));
    }

    private static bool ChainsTo(ClientIdentity identity, IList<X509Name> authorities) =>
        identity.IssuerNames.Any(issuer => authorities.Any(authority => authority.Equivalent(issuer)));

    /// <summary>
    /// The first scheme, in the policy's order, that the server's request lists and the key can make;
    /// one made for the key's own curve before one that only TLS 1.2 allows. -1 when there is none.
    /// </summary>
    private int ChooseScheme(ClientKeyKind key, IList<SignatureAndHashAlgorithm>? offered, bool tls13)
    {
        if (offered is null)
        {
            return -1;
        }

        var usable = policy.SignatureSchemeCodes().Where(scheme => offered.Contains(SignatureScheme.GetSignatureAndHashAlgorithm(scheme)));
        foreach (var strict in new[] { true, false })
        {
            foreach (var scheme in usable)
            {
                if (CanSign(key, scheme, strict || tls13))
                {
                    return scheme;
                }
            }
        }

        return -1;
    }

    private static bool CanSign(ClientKeyKind key, int scheme, bool tls13Rules) => key.Algorithm switch
    {
        // RFC 8446 §4.4.3: "RSA signatures MUST use an RSASSA-PSS algorithm"; RFC 5246 §7.4.1.4.1 allows PKCS#1 v1.5 in TLS 1.2.
        ClientKeyAlgorithm.Rsa => RsaPssRsae.Contains(scheme) || (!tls13Rules && SignatureScheme.GetSignatureAlgorithm(scheme) == SignatureAlgorithm.rsa),

        // RFC 8446 §4.2.3: in TLS 1.3 an ECDSA scheme names the curve; in TLS 1.2 it is only ECDSA with a hash.
        ClientKeyAlgorithm.EcdsaP256 => scheme == SignatureScheme.ecdsa_secp256r1_sha256 || (!tls13Rules && IsEcdsa(scheme)),
        ClientKeyAlgorithm.EcdsaP384 => scheme == SignatureScheme.ecdsa_secp384r1_sha384 || (!tls13Rules && IsEcdsa(scheme)),
        ClientKeyAlgorithm.Ed25519 => scheme == SignatureScheme.ed25519,
        _ => false,
    };

    private static bool IsEcdsa(int scheme) => SignatureScheme.GetSignatureAlgorithm(scheme) == SignatureAlgorithm.ecdsa;
}
