using TlsBroker.Core.Policy;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Testing;

/// <summary>One ECDSA test chain and the default policy trusting its root, shared by a test class.</summary>
public sealed class EngineChainFixture : IDisposable
{
    public EngineChainFixture()
    {
        Chain = TestChain.Create();
        Policy = TlsPolicy.Create("test", new TlsPolicyOptions { TrustAnchors = Chain.RootPath });
        Tls13OnlyPolicy = TlsPolicy.Create("tls13", new TlsPolicyOptions { TrustAnchors = Chain.RootPath, MinVersion = "1.3" });
        using var stranger = TestChain.Create();
        var strangerRoot = Chain.WriteFile("stranger-root.pem", stranger.Root.CertificatePem);
        StrangerPolicy = TlsPolicy.Create("stranger", new TlsPolicyOptions { TrustAnchors = strangerRoot });
    }

    public TestChain Chain { get; }

    /// <summary>The strict default policy, trusting <see cref="Chain"/>'s root.</summary>
    public TlsPolicy Policy { get; }

    public TlsPolicy Tls13OnlyPolicy { get; }

    /// <summary>Trusts another root only: <see cref="Chain"/> does not verify under it.</summary>
    public TlsPolicy StrangerPolicy { get; }

    public void Dispose() => Chain.Dispose();
}
