using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TlsBroker.Contracts.V1;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests.Revocation;

/// <summary>
/// Revocation policies configured by keys, over the gRPC broker, against <c>openssl s_server -status_file</c> stapling
/// <c>openssl ocsp</c> responses of a real <c>openssl ca</c>: the verdict, verify number and alert reach the caller, and a
/// soft-fail acceptance is logged once for the session.
/// </summary>
[Trait("Category", "Functional")]
public sealed class RevocationOverBrokerTests : IAsyncLifetime
{
    private readonly CapturingLoggerProvider logs = new();
    private RevocationPki pki = null!;
    private BrokerHost broker = null!;
    private string reloadedCrl = null!;

    public async Task InitializeAsync()
    {
        pki = await RevocationPki.CreateAsync().WaitAsync(TestTimeouts.Scenario);
        reloadedCrl = pki.PathOf("reloaded.crl.pem");
        File.Copy(pki.OtherCaCrlPath, reloadedCrl);
        broker = await BrokerHost.StartAsync(
            [
                $"Broker:Policies:default:TrustAnchors={pki.CaPath}",
                $"Broker:Policies:soft:TrustAnchors={pki.CaPath}",
                "Broker:Policies:soft:Revocation:Mode=soft-fail",
                $"Broker:Policies:hard:TrustAnchors={pki.CaPath}",
                "Broker:Policies:hard:Revocation:Mode=hard-fail",
                $"Broker:Policies:crl:TrustAnchors={pki.CaPath}",
                "Broker:Policies:crl:Revocation:Mode=hard-fail",
                "Broker:Policies:crl:Revocation:OcspStapling=false",
                $"Broker:Policies:crl:Revocation:CrlFiles:0={pki.CrlPath}",
                $"Broker:Policies:reload:TrustAnchors={pki.CaPath}",
                "Broker:Policies:reload:Revocation:Mode=hard-fail",
                "Broker:Policies:reload:Revocation:OcspStapling=false",
                $"Broker:Policies:reload:Revocation:CrlFiles:0={reloadedCrl}",
                "Logging:LogLevel:TlsBroker=Debug",
            ],
            builder => builder.Services.AddSingleton<ILoggerProvider>(logs));
    }

    public async Task DisposeAsync()
    {
        await broker.DisposeAsync();
        await pki.DisposeAsync();
    }

    [Fact]
    public async Task Connect_HardFailGoodStapled_Established()
    {
        await using var server = await ServeAsync(pki.GoodPath, pki.ResponseFor(pki.GoodPath));

        await using var client = await ForwardingClient.ConnectAsync(broker.Client, server.Port, Requests.Start(RevocationPki.ServerName, "hard"));

        Assert.Equal((1, 0), (client.Handshake.Ret, client.Handshake.Verify.Code));
        Assert.NotNull(client.Handshake.Established);
        Assert.Equal(StatusCode.OK, (await client.CompleteAsync()).StatusCode);
    }

    /// <summary>OpenSSL's ssl_x509err2alert sends certificate_revoked (44) for X509_V_ERR_CERT_REVOKED; s_server reports receiving it.</summary>
    [Fact]
    public async Task Connect_SoftFailRevokedStapled_Verify23AlertCertificateRevoked()
    {
        var oracle = await OpenSslOcsp.RunAsync(pki.ResponseFor(pki.RevokedPath), pki.RevokedPath, pki.CaPath);
        Assert.Equal(("revoked", true), (oracle.Status, oracle.SignatureVerified));
        await using var server = await ServeAsync(pki.RevokedPath, pki.ResponseFor(pki.RevokedPath));

        await using var client = await ForwardingClient.ConnectAsync(broker.Client, server.Port, Requests.Start(RevocationPki.ServerName, "soft"));

        Assert.Equal((-1, SslError.Ssl, 23, "X509_V_ERR_CERT_REVOKED"), (client.Handshake.Ret, client.Handshake.Error, client.Handshake.Verify.Code, client.Handshake.Verify.Name));
        Assert.Equal(44, client.Handshake.Alert.Description);
        await server.WaitForOutputAsync("SSL alert number 44");
        Assert.Equal(StatusCode.OK, (await client.CompleteAsync()).StatusCode);
    }

    [Fact]
    public async Task Connect_MissingStapleSoftThenHard_SoftEstablishedAndLoggedHardVerify73()
    {
        await using var server = await ServeAsync(pki.GoodPath, stapled: null);

        await using (var soft = await ForwardingClient.ConnectAsync(broker.Client, server.Port, Requests.Start(RevocationPki.ServerName, "soft")))
        {
            Assert.Equal((1, 0), (soft.Handshake.Ret, soft.Handshake.Verify.Code));
            await soft.CompleteAsync();
        }

        await using var hard = await ForwardingClient.ConnectAsync(broker.Client, server.Port, Requests.Start(RevocationPki.ServerName, "hard"));

        Assert.Equal((-1, 73, "X509_V_ERR_OCSP_VERIFY_NEEDED"), (hard.Handshake.Ret, hard.Handshake.Verify.Code, hard.Handshake.Verify.Name));
        Assert.Equal(113, hard.Handshake.Alert.Description);
        var unverified = Assert.Single(logs.Entries, entry => entry.EventId.Id == 420);
        Assert.Equal(("soft", 73), (unverified.Values["Policy"], unverified.Values["VerifyCode"]));
    }

    [Fact]
    public async Task Connect_CrlPolicyRevokedServer_Verify23AtDepth0()
    {
        await using var server = await ServeAsync(pki.RevokedPath, stapled: null);

        await using var client = await ForwardingClient.ConnectAsync(broker.Client, server.Port, Requests.Start(RevocationPki.ServerName, "crl"));

        Assert.Equal((-1, 23, 0), (client.Handshake.Ret, client.Handshake.Verify.Code, client.Handshake.Verify.Depth));
    }

    /// <summary>A CRL file is watched like the trust anchors: replacing it rebuilds the policy, and the next session uses the new CRL.</summary>
    [Fact]
    public async Task Connect_CrlFileReplaced_NoCrlOfIssuerThenRevokedFromNewCrl()
    {
        await using var server = await ServeAsync(pki.RevokedPath, stapled: null);
        int before;
        await using (var first = await ForwardingClient.ConnectAsync(broker.Client, server.Port, Requests.Start(RevocationPki.ServerName, "reload")))
        {
            before = first.Handshake.Verify.Code;
        }

        File.Copy(pki.CrlPath, reloadedCrl, overwrite: true);
        var applied = await logs.WaitForAsync(entry => entry.EventId.Id == 300, "of the applied reload");
        await using var second = await ForwardingClient.ConnectAsync(broker.Client, server.Port, Requests.Start(RevocationPki.ServerName, "reload"));

        Assert.Equal(3, before);
        Assert.Equal(["reload"], (IEnumerable<string>)applied.Values["ChangedPolicies"]!);
        Assert.Equal((-1, 23), (second.Handshake.Ret, second.Handshake.Verify.Code));
    }

    private Task<OpenSslServer> ServeAsync(string certificate, string? stapled) =>
        OpenSslServer.StartAsync(certificate, pki.KeyPath(certificate), stapled is null ? [] : ["-status_file", stapled]);
}
