using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using System.Security.Cryptography;
using Org.BouncyCastle.Tls;
using TlsBroker.Core.Crypto;

namespace TlsBroker.Core.Identity;

/// <summary>
/// A policy's client certificate chain and the private key of its first certificate, loaded and
/// checked once. The key stays inside: no member, <see cref="ToString"/> included, reveals it.
/// </summary>
public sealed class ClientIdentity
{
    private readonly AsymmetricKeyParameter privateKey;

    internal ClientIdentity(
        IReadOnlyList<byte[]> certificates, IReadOnlyList<X509CertificateStructure> parsed, AsymmetricKeyParameter privateKey, ClientKeyKind keyKind, string source)
    {
        Certificates = certificates;
        this.privateKey = privateKey;
        KeyKind = keyKind;
        Source = source;
        Subject = parsed[0].Subject.ToString();
        IssuerNames = parsed.Select(certificate => certificate.Issuer).ToArray();
        DotNetKey = DotNetSigningKey.From(privateKey, keyKind.Algorithm switch
        {
            ClientKeyAlgorithm.EcdsaP256 => ECCurve.NamedCurves.nistP256,
            ClientKeyAlgorithm.EcdsaP384 => ECCurve.NamedCurves.nistP384,
            _ => null,
        });
    }

    /// <summary>The chain as sent to a server that asks for it, DER, the client certificate first.</summary>
    public IReadOnlyList<byte[]> Certificates { get; }

    /// <summary>The client certificate's subject, for logs.</summary>
    public string Subject { get; }

    /// <summary>Where the identity was loaded from (file names only).</summary>
    public string Source { get; }

    /// <summary>The key's algorithm, e.g. "ECDSA P-256", "RSA 3072", "Ed25519".</summary>
    public string KeyAlgorithm => KeyKind.Describe();

    internal ClientKeyKind KeyKind { get; }

    /// <summary>The issuers of every certificate of the chain, which a CertificateRequest's certificate_authorities are matched against.</summary>
    internal IReadOnlyList<X509Name> IssuerNames { get; }

    /// <summary>
    /// RFC 5246 §7.4.4 client certificate type that fits the key: rsa_sign for RSA, ecdsa_sign for
    /// ECDSA and, by RFC 8422 §5.5, for EdDSA.
    /// </summary>
    internal short CertificateType => KeyKind.IsRsa ? ClientCertificateType.rsa_sign : ClientCertificateType.ecdsa_sign;

    internal AsymmetricKeyParameter PrivateKey => privateKey;

    /// <summary>The same key for .NET's signing (ECDSA, RSA), or null (Ed25519).</summary>
    internal DotNetSigningKey? DotNetKey { get; }

    public override string ToString() => $"client identity '{Subject}' ({KeyAlgorithm}) from {Source}";
}
