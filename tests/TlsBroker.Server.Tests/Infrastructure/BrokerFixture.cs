using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests.Infrastructure;

/// <summary>
/// One broker shared by a test collection: its "default" policy trusts the roots of an ECDSA and
/// an RSA test chain; "restricted" trusts the same roots but allows only <see cref="RestrictedServerName"/>.
/// </summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    public const string RestrictedPolicy = "restricted";

    public const string RestrictedServerName = "allowed.test";

    public TestChain EcdsaChain { get; } = TestChain.Create(KeyKind.EcdsaP256);

    public TestChain RsaChain { get; } = TestChain.Create(KeyKind.Rsa2048);

    /// <summary>Both chains' roots in one PEM file: the broker's trust anchors.</summary>
    public string AnchorsPath { get; private set; } = string.Empty;

    internal BrokerHost Broker { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        AnchorsPath = EcdsaChain.WriteFile("anchors.pem", EcdsaChain.Root.CertificatePem + "\n" + RsaChain.Root.CertificatePem);
        Broker = await BrokerHost.StartAsync(
        [
            $"Broker:Policies:default:TrustAnchors={AnchorsPath}",
            $"Broker:Policies:{RestrictedPolicy}:TrustAnchors={AnchorsPath}",
            $"Broker:Policies:{RestrictedPolicy}:AllowedServerNames:0={RestrictedServerName}",
        ]);
    }

    public async Task DisposeAsync()
    {
        await Broker.DisposeAsync();
        EcdsaChain.Dispose();
        RsaChain.Dispose();
    }
}
