using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TlsBroker.Bench.Server;

/// <summary>
/// The bench server's certificates, generated at start: an ECDSA P-256 root, an intermediate
/// and a leaf for "localhost" and 127.0.0.1, valid for one day. Only the root leaves the process (as PEM).
/// </summary>
internal sealed class BenchCertificateChain : IDisposable
{
    public const string LeafDnsName = "localhost";

    private static readonly TimeSpan Validity = TimeSpan.FromDays(1);

    private BenchCertificateChain(X509Certificate2 root, X509Certificate2 intermediate, X509Certificate2 leaf)
    {
        Root = root;
        Intermediate = intermediate;
        Leaf = leaf;
    }

    public X509Certificate2 Root { get; }

    public X509Certificate2 Intermediate { get; }

    /// <summary>The leaf, with its private key.</summary>
    public X509Certificate2 Leaf { get; }

    public static BenchCertificateChain Create()
    {
        // Backdated a little, so that a peer whose clock is slightly behind still accepts the chain.
        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-10);
        var notAfter = notBefore + Validity;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var rootRequest = AuthorityRequest("TlsBroker bench root", rootKey);
        using var root = rootRequest.CreateSelfSigned(notBefore, notAfter);

        var intermediateRequest = AuthorityRequest("TlsBroker bench intermediate", intermediateKey);
        intermediateRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        using var intermediate = intermediateRequest.Create(root.SubjectName, X509SignatureGenerator.CreateForECDsa(rootKey), notBefore, notAfter, Serial(2));

        var leafRequest = new CertificateRequest($"CN={LeafDnsName}, O=TlsBroker bench", leafKey, HashAlgorithmName.SHA256);
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        leafRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(LeafDnsName);
        san.AddIpAddress(IPAddress.Loopback);
        leafRequest.CertificateExtensions.Add(san.Build());
        leafRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(leafRequest.PublicKey, critical: false));
        leafRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(intermediate, true, false));
        using var leaf = leafRequest.Create(intermediate.SubjectName, X509SignatureGenerator.CreateForECDsa(intermediateKey), notBefore, notAfter, Serial(3));

        return new BenchCertificateChain(
            X509CertificateLoader.LoadCertificate(root.RawData),
            X509CertificateLoader.LoadCertificate(intermediate.RawData),
            X509CertificateLoader.LoadCertificate(leaf.RawData).CopyWithPrivateKey(leafKey));
    }

    public string RootPem() => Root.ExportCertificatePem() + "\n";

    public void Dispose()
    {
        Root.Dispose();
        Intermediate.Dispose();
        Leaf.Dispose();
    }

    private static CertificateRequest AuthorityRequest(string commonName, ECDsa key)
    {
        var request = new CertificateRequest($"CN={commonName}, O=TlsBroker bench", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request;
    }

    /// <summary>RFC 5280 §4.1.2.2: a positive serial, unique per issuer; random high bits keep reruns distinct.</summary>
    private static byte[] Serial(int index)
    {
        var random = RandomNumberGenerator.GetBytes(8);
        random[0] &= 0x7F;
        return new BigInteger([.. random.Reverse(), (byte)index], isUnsigned: true).ToByteArray(isUnsigned: true, isBigEndian: true);
    }
}
