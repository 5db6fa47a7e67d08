using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Core.Tests.Verification;

/// <summary>Issues the certificates one matrix row needs on top of the shared <see cref="VerificationPki"/>.</summary>
public sealed class ChainFactory(VerificationPki pki)
{
    public const string HostName = "www.example.test";

    private readonly List<TestCertificate> generated = [];

    public VerificationPki Pki => pki;

    /// <summary>A CA/Browser-Forum-shaped server certificate for <see cref="HostName"/>, 127.0.0.1 and ::1.</summary>
    public static CertificateSpec ServerSpec => CertificateSpec.Server(HostName) with
    {
        IpAddresses = [IPAddress.Loopback, IPAddress.IPv6Loopback],
    };

    public TestCertificate Issue(CertificateSpec spec, TestCertificate? issuer)
    {
        var certificate = TestPki.Issue(spec, issuer);
        generated.Add(certificate);
        return certificate;
    }

    /// <summary>The usual shape: a leaf shaped by <paramref name="shape"/> under the trusted intermediate, sent with it.</summary>
    public ChainUnderTest UnderIntermediate(Func<CertificateSpec, CertificateSpec> shape, string serverName = HostName) =>
        Chain(Issue(shape(ServerSpec), pki.Intermediate), [pki.Intermediate], serverName);

    /// <summary>A leaf under an intermediate shaped by <paramref name="shapeIntermediate"/> (issued by the trusted root).</summary>
    public ChainUnderTest UnderCustomIntermediate(Func<CertificateSpec, CertificateSpec> shapeIntermediate, Func<CertificateSpec, CertificateSpec>? shapeLeaf = null)
    {
        var intermediate = Issue(shapeIntermediate(CertificateSpec.Intermediate("Verify Variant Intermediate")), pki.Root);
        var leaf = Issue((shapeLeaf ?? (s => s))(ServerSpec), intermediate);
        return Chain(leaf, [intermediate], HostName);
    }

    /// <summary>A copy of <paramref name="original"/> with one bit of its signature flipped.</summary>
    public TestCertificate WithBrokenSignature(TestCertificate original)
    {
        var der = original.Der;
        der[^1] ^= 0x01;
        var broken = new TestCertificate(X509CertificateLoader.LoadCertificate(der), ECDsa.Create());
        generated.Add(broken);
        return broken;
    }

    public ChainUnderTest Chain(TestCertificate leaf, IReadOnlyList<TestCertificate> sentAfterLeaf, string serverName, IReadOnlyList<TestCertificate>? anchors = null) =>
        new(leaf, sentAfterLeaf, anchors ?? [pki.Root], serverName, [.. generated]);
}
