using TlsBroker.Testing.Pki;

namespace TlsBroker.Core.Tests.Verification;

/// <summary>A leaf, the intermediate the server sends after it, and the root the client trusts.</summary>
public sealed record StrictChain(TestCertificate Leaf, TestCertificate Intermediate, TestCertificate Root)
{
    public IReadOnlyList<byte[]> SentDer => [Leaf.Der, Intermediate.Der];

    public ChainUnderTest ToChainUnderTest() => new(Leaf, [Intermediate], [Root], PathShapes.HostName, []);
}
