using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests.Infrastructure;

/// <summary>
/// A broker with service-mesh policies over one test PKI, whose intermediate issues the X509-SVIDs the tests serve:
/// <see cref="IdPolicy"/> expects <see cref="ApiId"/> only, <see cref="TrustDomainPolicy"/> any ID of
/// <see cref="TrustDomain"/>, both without checking the server name; <see cref="IdAndNamePolicy"/> expects
/// <see cref="ApiId"/> and the server name.
/// </summary>
public sealed class MeshBrokerFixture : IAsyncLifetime
{
    public const string TrustDomain = "prod.test";

    public const string ApiId = "spiffe://prod.test/ns/payments/sa/api";

    public const string IdPolicy = "mesh-id";

    public const string TrustDomainPolicy = "mesh-td";

    public const string IdAndNamePolicy = "mesh-id-and-name";

    public TestChain Pki { get; } = TestChain.Create();

    internal BrokerHost Broker { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Broker = await BrokerHost.StartAsync(
        [
            $"Broker:Policies:{IdPolicy}:TrustAnchors={Pki.RootPath}",
            $"Broker:Policies:{IdPolicy}:ExpectedIdentities:0={ApiId}",
            $"Broker:Policies:{IdPolicy}:CheckServerName=false",
            $"Broker:Policies:{TrustDomainPolicy}:TrustAnchors={Pki.RootPath}",
            $"Broker:Policies:{TrustDomainPolicy}:SpiffeTrustDomain={TrustDomain}",
            $"Broker:Policies:{TrustDomainPolicy}:CheckServerName=false",
            $"Broker:Policies:{IdAndNamePolicy}:TrustAnchors={Pki.RootPath}",
            $"Broker:Policies:{IdAndNamePolicy}:ExpectedIdentities:0={ApiId}",
        ]);
    }

    /// <summary>An SVID-shaped leaf with <paramref name="uris"/> (and <paramref name="dnsNames"/>), issued by the PKI's intermediate.</summary>
    public TestCertificate IssueSvid(string[] uris, string[] dnsNames) =>
        TestPki.Issue(CertificateSpec.Svid(uris[0]) with { Uris = uris, DnsNames = dnsNames }, Pki.Intermediate);

    /// <summary>Writes <paramref name="leaf"/> and its key for s_server; returns the paths.</summary>
    public (string Certificate, string Key, string Intermediate) Write(TestCertificate leaf)
    {
        var name = Guid.NewGuid().ToString("N");
        return (
            Pki.WriteFile($"svid-{name}.pem", leaf.CertificatePem),
            Pki.WriteFile($"svid-{name}.key", leaf.PrivateKeyPem),
            Pki.WriteFile($"intermediate-{name}.pem", Pki.Intermediate.CertificatePem));
    }

    public async Task DisposeAsync()
    {
        await Broker.DisposeAsync();
        Pki.Dispose();
    }
}
