using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using TlsBroker.Server.Callers;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests.Callers;

/// <summary>
/// The broker's own listener over HTTPS with client certificates verified against a configured CA:
/// "billing" is mapped by subject, "reports" by SPKI pin, "batch" has an API key. Real TLS from
/// Grpc.Net.Client's SocketsHttpHandler to Kestrel on 127.0.0.1.
/// </summary>
[Trait("Category", "Functional")]
public sealed class ClientCertificateCallerTests : IAsyncLifetime
{
    private readonly TestChain chain = TestChain.Create();
    private readonly TestCertificate clientCa = TestPki.Issue(CertificateSpec.Root("TlsBroker Tests Client CA"));
    private readonly TestCertificate otherCa = TestPki.Issue(CertificateSpec.Root("TlsBroker Tests Other CA"));
    private readonly string batchKey = ApiKeys.NewKey();
    private TestCertificate billing = null!;
    private TestCertificate reports = null!;
    private BrokerHost broker = null!;

    public async Task InitializeAsync()
    {
        billing = TestPki.Issue(ClientSpec("billing"), clientCa);
        reports = TestPki.Issue(ClientSpec("reports-host-7"), clientCa);
        var caFile = chain.WriteFile("client-ca.pem", clientCa.CertificatePem);
        broker = await BrokerHost.StartAsync(
        [
            $"Broker:Policies:default:TrustAnchors={chain.RootPath}",
            $"Broker:Tls:CertificateFile={chain.ChainPath}",
            $"Broker:Tls:KeyFile={chain.KeyPath}",
            $"Broker:Tls:ClientCaFile={caFile}",
            "Broker:Callers:billing:ClientCertificate:Subject=CN=billing,O=TlsBroker Tests",
            "Broker:Callers:billing:Policies:0=default",
            $"Broker:Callers:reports:ClientCertificate:SpkiSha256:0={Pin(reports)}",
            "Broker:Callers:reports:Policies:0=*",
            $"Broker:Callers:batch:ApiKeyHashes:0={ApiKeys.Hash(batchKey)}",
            "Broker:Callers:batch:Policies:0=default",
        ]);
    }

    public async Task DisposeAsync()
    {
        await broker.DisposeAsync();
        foreach (var certificate in new[] { billing, reports, clientCa, otherCa })
        {
            certificate.Dispose();
        }

        chain.Dispose();
    }

    [Fact]
    public async Task Connect_CertificateMappedBySubject_HandshakeCompletes()
    {
        using var channel = CallerClients.Https(broker.Address, chain.Root.Certificate, WithKey(billing));
        await using var server = await OpenSslServer.StartAsync(chain);

        await using var client = await ForwardingClient.ConnectAsync(new(channel), server.Port, Requests.Start("localhost"));

        Assert.Equal(Uri.UriSchemeHttps, broker.Address.Scheme);
        Assert.True(client.IsEstablished, client.Handshake.Reason);
    }

    [Fact]
    public async Task Connect_CertificateMappedByPin_GetsItsPolicies()
    {
        using var billingChannel = CallerClients.Https(broker.Address, chain.Root.Certificate, WithKey(billing));
        using var reportsChannel = CallerClients.Https(broker.Address, chain.Root.Certificate, WithKey(reports));

        var (_, billingStatus) = await CallerClients.StartAsync(new(billingChannel), "default-but-not-granted");
        var (reportsResponse, reportsStatus) = await CallerClients.StartAsync(new(reportsChannel));

        Assert.Equal(StatusCode.PermissionDenied, billingStatus.StatusCode);
        Assert.Equal(StatusCode.OK, reportsStatus.StatusCode);
        Assert.False(reportsResponse!.RecordsToSend.IsEmpty);
    }

    [Fact]
    public async Task Connect_ApiKeyOverHttpsWithoutCertificate_Accepted()
    {
        using var channel = CallerClients.Https(broker.Address, chain.Root.Certificate);

        var (response, status) = await CallerClients.StartAsync(CallerClients.WithApiKey(channel, batchKey));

        Assert.Equal(StatusCode.OK, status.StatusCode);
        Assert.NotNull(response);
    }

    [Fact]
    public async Task Connect_CertificateFromAnotherCa_UnauthenticatedAsUntrusted()
    {
        using var impostor = TestPki.Issue(ClientSpec("billing"), otherCa);
        using var channel = CallerClients.Https(broker.Address, chain.Root.Certificate, WithKey(impostor));

        var (_, status) = await CallerClients.StartAsync(new(channel));

        Assert.Equal(StatusCode.Unauthenticated, status.StatusCode);
        Assert.Contains("not trusted", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_TrustedCertificateOfNoCaller_Unauthenticated()
    {
        using var stranger = TestPki.Issue(ClientSpec("stranger"), clientCa);
        using var channel = CallerClients.Https(broker.Address, chain.Root.Certificate, WithKey(stranger));

        var (_, status) = await CallerClients.StartAsync(new(channel));

        Assert.Equal(StatusCode.Unauthenticated, status.StatusCode);
        Assert.Contains("mapped to no caller", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_NoCertificateNoKey_UnauthenticatedNamingBothWays()
    {
        using var channel = CallerClients.Https(broker.Address, chain.Root.Certificate);

        var (_, status) = await CallerClients.StartAsync(new(channel));

        Assert.Equal(StatusCode.Unauthenticated, status.StatusCode);
        Assert.Contains("client certificate", status.Detail, StringComparison.Ordinal);
    }

    /// <summary>OpenSSL's own client as the oracle for the listener's TLS: TLS 1.2 and 1.3 with ALPN h2, and the chain it sends verifies.</summary>
    [Theory]
    [InlineData("-tls1_2", "TLSv1.2")]
    [InlineData("-tls1_3", "TLSv1.3")]
    public async Task Listener_OpenSslClient_NegotiatesHttp2ByAlpnWithVerifiedChain(string version, string expectedProtocol)
    {
        var (exitCode, output) = await OpenSslCommand.RunAsync(
            ["s_client", "-connect", $"127.0.0.1:{broker.Address.Port}", version, "-alpn", "h2", "-CAfile", chain.RootPath, "-verify_return_error"]);

        Assert.True(exitCode == 0, output);
        Assert.True(output.Contains($"New, {expectedProtocol}, Cipher is ", StringComparison.Ordinal), output);
        Assert.True(output.Contains("ALPN protocol: h2", StringComparison.Ordinal), output);
        Assert.True(output.Contains("Verify return code: 0 (ok)", StringComparison.Ordinal), output);
    }

    private static CertificateSpec ClientSpec(string commonName) => new()
    {
        CommonName = commonName,
        IsCertificateAuthority = false,
        KeyUsage = X509KeyUsageFlags.DigitalSignature,
        ExtendedKeyUsages = [CertificateSpec.ClientAuthOid],
    };

    private static string Pin(TestCertificate certificate) =>
        Convert.ToBase64String(SHA256.HashData(certificate.Certificate.PublicKey.ExportSubjectPublicKeyInfo()));

    private static X509Certificate2 WithKey(TestCertificate certificate) =>
        certificate.Certificate.CopyWithPrivateKey((ECDsa)certificate.PrivateKey);
}
