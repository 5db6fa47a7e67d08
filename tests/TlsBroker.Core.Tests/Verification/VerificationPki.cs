using TlsBroker.Testing.Pki;

namespace TlsBroker.Core.Tests.Verification;

/// <summary>One trusted root with its intermediate, and one unknown root with its own, shared by every row of the matrix.</summary>
public sealed class VerificationPki : IDisposable
{
    public VerificationPki()
    {
        Root = TestPki.Issue(CertificateSpec.Root("Verify Test Root"));
        Intermediate = TestPki.Issue(CertificateSpec.Intermediate("Verify Test Intermediate"), Root);
        UnknownRoot = TestPki.Issue(CertificateSpec.Root("Verify Unknown Root"));
        UnknownIntermediate = TestPki.Issue(CertificateSpec.Intermediate("Verify Unknown Intermediate"), UnknownRoot);
    }

    public TestCertificate Root { get; }

    public TestCertificate Intermediate { get; }

    public TestCertificate UnknownRoot { get; }

    public TestCertificate UnknownIntermediate { get; }

    public void Dispose()
    {
        Root.Dispose();
        Intermediate.Dispose();
        UnknownRoot.Dispose();
        UnknownIntermediate.Dispose();
    }
}
