using TlsBroker.Testing.Pki;

namespace TlsBroker.Core.Tests.Verification;

/// <summary>A chain as a server would send it, the anchors the client trusts, and the name it expects.</summary>
public sealed class ChainUnderTest(
    TestCertificate leaf,
    IReadOnlyList<TestCertificate> sentAfterLeaf,
    IReadOnlyList<TestCertificate> anchors,
    string serverName,
    IReadOnlyList<TestCertificate> generated) : IDisposable
{
    public TestCertificate Leaf { get; } = leaf;

    public IReadOnlyList<TestCertificate> SentAfterLeaf { get; } = sentAfterLeaf;

    public IReadOnlyList<TestCertificate> Anchors { get; } = anchors;

    public string ServerName { get; } = serverName;

    public IReadOnlyList<byte[]> SentDer => [Leaf.Der, .. SentAfterLeaf.Select(c => c.Der)];

    public void Dispose()
    {
        foreach (var certificate in generated)
        {
            certificate.Dispose();
        }
    }
}
