using Grpc.Core;
using TlsBroker.Contracts.V1;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests;

/// <summary>
/// Handshakes through a real broker with a mesh policy (ExpectedIdentities, SpiffeTrustDomain, CheckServerName) against
/// a real <c>openssl s_server</c> serving an X509-SVID the test issued: the matching SPIFFE ID establishes; another path,
/// another trust domain, two URI SANs, or a missing server name fail with 62 and the bad_certificate alert, which
/// s_server reports; the Verify RPC gives the same answer for the same chain and policy.
/// </summary>
[Trait("Category", "Functional")]
public sealed class SpiffeHandshakeTests(MeshBrokerFixture mesh) : IClassFixture<MeshBrokerFixture>
{
    private const string ServerName = "api.payments.internal";
    private const int BadCertificate = 42;
    private const int UnrecognizedName = 112;

    [Theory]
    [InlineData(MeshBrokerFixture.IdPolicy, MeshBrokerFixture.ApiId, "", 0, "ok")]
    [InlineData(MeshBrokerFixture.IdPolicy, "spiffe://prod.test/ns/payments/sa/web", "", 62, "the certificate's URIs are spiffe://prod.test/ns/payments/sa/web")]
    [InlineData(MeshBrokerFixture.TrustDomainPolicy, "spiffe://prod.test/ns/billing/sa/web", "", 0, "ok")]
    [InlineData(MeshBrokerFixture.TrustDomainPolicy, "spiffe://staging.test/ns/payments/sa/api", "", 62, "expected 'SPIFFE trust domain:prod.test'")]
    [InlineData(MeshBrokerFixture.TrustDomainPolicy, MeshBrokerFixture.ApiId + " spiffe://prod.test/ns/payments/sa/web", "", 62, "an X509-SVID has exactly one URI SAN")]
    [InlineData(MeshBrokerFixture.IdAndNamePolicy, MeshBrokerFixture.ApiId, "", 62, "expected 'api.payments.internal'; the certificate's DNS names are none")]
    [InlineData(MeshBrokerFixture.IdAndNamePolicy, MeshBrokerFixture.ApiId, ServerName, 0, "ok")]
    public async Task Connect_SvidFromOpenSslServer_MeshPolicyDecides(string policy, string uris, string dnsName, int code, string reason)
    {
        using var leaf = mesh.IssueSvid(uris.Split(' '), dnsName.Length == 0 ? [] : [dnsName]);
        var (certificate, key, intermediate) = mesh.Write(leaf);
        await using var server = await OpenSslServer.StartAsync(certificate, key, "-cert_chain", intermediate);

        await using var client = await ForwardingClient.ConnectAsync(mesh.Broker.Client, server.Port, Requests.Start(ServerName, policy));
        var verified = await VerifyCalls.VerifyAsync(mesh.Broker.Client, VerifyCalls.Request([leaf, mesh.Pki.Intermediate], ServerName, policy));

        Assert.Equal(code, client.Handshake.Verify.Code);
        Assert.Equal(client.Handshake.Verify, verified.Verify);
        Assert.Contains(reason, verified.Reason, StringComparison.Ordinal);
        if (code == 0)
        {
            Assert.True(client.IsEstablished, client.Handshake.Reason);
            return;
        }

        Assert.Equal((-1, SslError.Ssl, "X509_V_ERR_HOSTNAME_MISMATCH"), (client.Handshake.Ret, client.Handshake.Error, client.Handshake.Verify!.Name));
        Assert.Equal((BadCertificate, "bad_certificate", true, AlertLevel.Fatal), (client.Handshake.Alert.Description, client.Handshake.Alert.Name, client.Handshake.Alert.Sent, client.Handshake.Alert.Level));
        await server.WaitForOutputAsync($"SSL alert number {BadCertificate}");
        Assert.Equal(StatusCode.OK, (await client.CompleteAsync()).StatusCode);
    }

    /// <summary>
    /// A mesh policy that does not check the server name still sends it as SNI: s_server with -servername and
    /// -servername_fatal answers another name with a fatal unrecognized_name alert.
    /// </summary>
    [Fact]
    public async Task Connect_MeshPolicy_ServerNameStillSentAsSni()
    {
        // Issued by the root itself: -cert2 takes no chain, so the certificate it serves must need none.
        using var leaf = TestPki.Issue(CertificateSpec.Svid(MeshBrokerFixture.ApiId), mesh.Pki.Root);
        var (certificate, key, _) = mesh.Write(leaf);
        await using var server = await OpenSslServer.StartAsync(
            certificate, key, "-servername", ServerName, "-cert2", certificate, "-key2", key, "-servername_fatal");

        ConnectResponse matching;
        await using (var first = await ForwardingClient.ConnectAsync(mesh.Broker.Client, server.Port, Requests.Start(ServerName, MeshBrokerFixture.IdPolicy)))
        {
            // s_server serves one connection at a time: this one ends (TCP closed) before the next is accepted.
            matching = first.Handshake;
        }

        await using var other = await ForwardingClient.ConnectAsync(mesh.Broker.Client, server.Port, Requests.Start("other.internal", MeshBrokerFixture.IdPolicy));

        Assert.True(matching.Ret == 1, matching.Reason);
        Assert.False(other.IsEstablished);
        Assert.Equal((UnrecognizedName, false), (other.Handshake.Alert.Description, other.Handshake.Alert.Sent));
    }

    /// <summary>Start.server_name stays required under a mesh policy: it is the SNI.</summary>
    [Fact]
    public async Task Connect_MeshPolicyEmptyServerName_InvalidArgument()
    {
        using var call = mesh.Broker.Client.Connect(deadline: DateTime.UtcNow.Add(TlsBroker.Testing.TestTimeouts.Step));
        await call.RequestStream.WriteAsync(Requests.StartRequest(string.Empty, MeshBrokerFixture.IdPolicy));

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("server_name", error.Status.Detail, StringComparison.Ordinal);
    }
}
