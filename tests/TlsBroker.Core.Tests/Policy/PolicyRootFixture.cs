using TlsBroker.Testing.Pki;

namespace TlsBroker.Core.Tests.Policy;

/// <summary>A test chain whose root file policies under test trust.</summary>
public sealed class PolicyRootFixture : IDisposable
{
    public TestChain Chain { get; } = TestChain.Create();

    public void Dispose() => Chain.Dispose();
}
