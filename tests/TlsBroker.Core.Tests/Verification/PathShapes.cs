using System.Security.Cryptography;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Core.Tests.Verification;

/// <summary>
/// Issues the real-world chain shapes path building must handle (cross-signed intermediates,
/// twins, impostors, loops) and disposes every certificate it issued.
/// </summary>
public sealed class PathShapes : IDisposable
{
    public const string HostName = "www.example.test";

    private readonly List<TestCertificate> issued = [];

    public static CertificateSpec ServerSpec => CertificateSpec.Server(HostName);

    public TestCertificate Issue(CertificateSpec spec, TestCertificate? issuer = null)
    {
        var certificate = TestPki.Issue(spec, issuer);
        issued.Add(certificate);
        return certificate;
    }

    /// <summary>Disposes <paramref name="certificate"/> (made elsewhere, e.g. by <see cref="CertificateEditor"/>) with the others.</summary>
    public TestCertificate Keep(TestCertificate certificate)
    {
        issued.Add(certificate);
        return certificate;
    }

    /// <summary>An intermediate named <paramref name="commonName"/> certifying the same key as <paramref name="twin"/>.</summary>
    public TestCertificate Twin(TestCertificate twin, string commonName, TestCertificate issuer, Func<CertificateSpec, CertificateSpec>? shape = null) =>
        Issue((shape ?? (s => s))(CertificateSpec.Intermediate(commonName) with { SubjectKey = twin.PrivateKey }), issuer);

    /// <summary>
    /// A cycle of <paramref name="length"/> CAs, each issued by the one before it and the first by the
    /// last (for length 2: A signs B signs A). Returns them with the first one, which issues leaves, first.
    /// </summary>
    public IReadOnlyList<TestCertificate> Loop(int length)
    {
        var names = Enumerable.Range(1, length).Select(i => $"Loop CA {i} of {length}").ToList();
        var seed = Issue(CertificateSpec.Root(names[0]));
        var cycle = new List<TestCertificate>();
        var issuer = seed;
        for (var i = 1; i < length; i++)
        {
            issuer = Issue(CertificateSpec.Root(names[i]), issuer);
            cycle.Add(issuer);
        }

        var first = Issue(CertificateSpec.Root(names[0]) with { SubjectKey = seed.PrivateKey }, issuer);
        return [first, .. cycle];
    }

    /// <summary>A subjectKeyIdentifier-shaped value no key of the test has.</summary>
    public static byte[] UnrelatedKeyIdentifier() => RandomNumberGenerator.GetBytes(20);

    public void Dispose()
    {
        foreach (var certificate in issued)
        {
            certificate.Dispose();
        }
    }
}
