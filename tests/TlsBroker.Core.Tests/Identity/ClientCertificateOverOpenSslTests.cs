using TlsBroker.Core.Crypto;
using TlsBroker.Core.Engine;
using TlsBroker.Core.Policy;
using TlsBroker.Core.Results;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Core.Tests.Identity;

/// <summary>
/// Mutual TLS against <c>openssl s_server -Verify 1 -CAfile &lt;client CA&gt;</c>, which requires a client
/// certificate, and <c>-verify 1</c>, which asks for one and goes on without. s_server prints "Client
/// certificate" and the subject when it got one (apps/s_server.c print_connection_info): the server's own word.
/// </summary>
[Trait("Category", "Functional")]
public sealed class ClientCertificateOverOpenSslTests(ClientIdentityFixture fixture) : IClassFixture<ClientIdentityFixture>
{
    private const string Password = "p12 password";
    private const string ClientCertificateLine = "Client certificate";

    /// <summary>ECDSA and RSA keys sign with .NET under the DotNet provider and with BouncyCastle under the other; Ed25519 always with BouncyCastle.</summary>
    public static TheoryData<string, string, string, TlsCryptoProvider> Identities()
    {
        var data = new TheoryData<string, string, string, TlsCryptoProvider>();
        foreach (var version in new[] { "-tls1_2", "-tls1_3" })
        {
            data.Add("p256", "pem", version, TlsCryptoProvider.DotNet);
            data.Add("p384", "sec1", version, TlsCryptoProvider.DotNet);
            data.Add("rsa", "pkcs1", version, TlsCryptoProvider.DotNet);
            data.Add("p256", "pkcs12", version, TlsCryptoProvider.DotNet);
            data.Add("rsa", "pkcs12", version, TlsCryptoProvider.DotNet);
            data.Add("ed25519", "pem", version, TlsCryptoProvider.DotNet);
            data.Add("p384", "pem", version, TlsCryptoProvider.BouncyCastle);
            data.Add("rsa", "pem", version, TlsCryptoProvider.BouncyCastle);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Identities))]
    public async Task Handshake_ServerRequiresClientCertificate_PresentsThePolicyIdentity(string key, string form, string version, TlsCryptoProvider provider)
    {
        var identity = key == "ed25519" ? await fixture.Ca.IssueEd25519Async($"client-ed25519-{Guid.NewGuid():N}") : Identity(key);
        var policy = PolicyWith(IdentityOptions(identity, form));
        await using var server = await OpenSslServer.StartAsync(fixture.ServerChain, version, "-Verify", "1", "-CAfile", fixture.Ca.RootPath);
        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(policy, TimeProvider.System, provider), server.Port);

        var result = await pump.HandshakeAsync(new SessionStart("localhost", []));

        Assert.True(result.Ret == 1, $"{result.Error} {result.Alert} {result.Reason}\n{server.Output}");
        Assert.True(result.Established!.ClientCertificateSent);
        Assert.Equal(version == "-tls1_3" ? "TLSv1.3" : "TLSv1.2", result.Established.ProtocolVersion);
        await server.WaitForLineAsync(ClientCertificateLine);

        // s_server prints the certificate, then its subject line: wait for that line itself (the verify
        // callback's earlier "depth=0 ..., CN = name" line names the client too).
        await server.WaitForOutputAsync("subject=");
        Assert.Contains(server.Output.Split('\n'), line => line.StartsWith("subject=", StringComparison.Ordinal) && line.Contains($"CN = {identity.Name}", StringComparison.Ordinal));
    }

    /// <summary>
    /// TLS 1.2: the server's verdict comes before its Finished (handshake_failure). TLS 1.3: the client's
    /// handshake is complete once it sent its Finished, and the server's certificate_required arrives on the
    /// first read, as SSL_connect then SSL_read report it in OpenSSL.
    /// </summary>
    [Theory]
    [InlineData("-tls1_2")]
    [InlineData("-tls1_3")]
    public async Task Handshake_NoIdentityAndServerRequiresOne_ServerAlertIsTheResult(string version)
    {
        var policy = TlsPolicy.Create("no-identity", new TlsPolicyOptions { TrustAnchors = fixture.ServerChain.RootPath });
        await using var server = await OpenSslServer.StartAsync(fixture.ServerChain, version, "-Verify", "1", "-CAfile", fixture.Ca.RootPath);
        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(policy, TimeProvider.System), server.Port);

        var result = await pump.HandshakeAsync(new SessionStart("localhost", []));
        if (version == "-tls1_3")
        {
            Assert.True(result.Ret == 1, $"{result.Error} {result.Reason}\n{server.Output}");
            Assert.False(result.Established!.ClientCertificateSent);
            result = await pump.ReadAsync();
        }

        Assert.Equal((-1, SslError.Ssl), (result.Ret, result.Error));
        var expectedAlert = version == "-tls1_3" ? (short)116 : (short)40;
        Assert.Equal(new TlsAlert(expectedAlert, OpenSslReasons.AlertName(expectedAlert), Fatal: true, Sent: false), result.Alert);
        await server.WaitForOutputAsync("peer did not return a certificate");
    }

    /// <summary>
    /// RFC 8446 §4.2.4 / RFC 5246 §7.4.4: the request names the CAs it accepts; an identity that does not chain
    /// to one of them is not sent. s_server -verify (not -Verify) goes on without a certificate.
    /// </summary>
    [Theory]
    [InlineData("-tls1_2")]
    [InlineData("-tls1_3")]
    public async Task Handshake_RequestNamesOtherCertificateAuthorities_SendsNoCertificate(string version)
    {
        var policy = PolicyWith(IdentityOptions(fixture.EcdsaP256, "pem"));
        await using var server = await OpenSslServer.StartAsync(fixture.ServerChain, version, "-verify", "1", "-CAfile", fixture.OtherCa.RootPath);
        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(policy, TimeProvider.System), server.Port);

        var result = await pump.HandshakeAsync(new SessionStart("localhost", []));
        await SendLineAsync(pump, server);

        Assert.True(result.Ret == 1, $"{result.Error} {result.Reason}\n{server.Output}");
        Assert.False(result.Established!.ClientCertificateSent);
        Assert.DoesNotContain(ClientCertificateLine, server.Output.Split('\n').Select(line => line.Trim()));
    }

    /// <summary>
    /// The request's signature_algorithms decide: in TLS 1.3 ecdsa_secp384r1_sha384 is for P-384 keys only
    /// (RFC 8446 §4.2.3) and RSA must sign with RSASSA-PSS (§4.4.3), so a P-256 or RSA identity that only
    /// those would allow is not sent; TLS 1.2 (RFC 5246 §7.4.1.4.1) takes ECDSA with SHA-384 on any curve and PKCS#1 v1.5.
    /// (s_server itself refuses to ask in TLS 1.3 with PKCS#1 schemes alone, hence ECDSA+SHA384 beside RSA+SHA256.)
    /// </summary>
    [Theory]
    [InlineData("p256", "ECDSA+SHA384", "-tls1_3", false)]
    [InlineData("p256", "ECDSA+SHA384", "-tls1_2", true)]
    [InlineData("rsa", "RSA+SHA256:ECDSA+SHA384", "-tls1_3", false)]
    [InlineData("rsa", "RSA+SHA256:ECDSA+SHA384", "-tls1_2", true)]
    public async Task Handshake_RequestAllowsOneScheme_SentOnlyWhereTheKeyCanMakeIt(string key, string schemes, string version, bool sent)
    {
        var policy = PolicyWith(IdentityOptions(Identity(key), "pem"));
        await using var server = await OpenSslServer.StartAsync(
            fixture.ServerChain, version, "-verify", "1", "-CAfile", fixture.Ca.RootPath, "-client_sigalgs", schemes);
        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(policy, TimeProvider.System), server.Port);

        var result = await pump.HandshakeAsync(new SessionStart("localhost", []));
        await SendLineAsync(pump, server);

        Assert.True(result.Ret == 1, $"{result.Error} {result.Reason}\n{server.Output}");
        Assert.Equal(sent, result.Established!.ClientCertificateSent);
        Assert.Equal(sent, server.Output.Split('\n').Any(line => line.Trim() == ClientCertificateLine));
    }

    /// <summary>
    /// A line of application data: s_server prints what it reads only after what it says about the handshake,
    /// the client certificate included, so once the line is printed the rest is there too.
    /// </summary>
    private static async Task SendLineAsync(EnginePump pump, OpenSslServer server)
    {
        var result = await pump.WriteAsync("ping\n"u8.ToArray());
        Assert.True(result.Ret > 0, $"{result.Error} {result.Alert} {result.Reason}\n{server.Output}");
        await server.WaitForLineAsync("ping");
    }

    private TestClientIdentity Identity(string key) => key switch
    {
        "p256" => fixture.EcdsaP256,
        "p384" => fixture.EcdsaP384,
        "rsa" => fixture.Rsa,
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    };

    private static ClientIdentityOptions IdentityOptions(TestClientIdentity identity, string form) => form switch
    {
        "pem" => new() { CertificateFile = identity.CertificatePath, KeyFile = identity.KeyPath },
        "sec1" => new() { CertificateFile = identity.CertificatePath, KeyFile = identity.WriteKey(ClientKeyFormat.Sec1) },
        "pkcs1" => new() { CertificateFile = identity.CertificatePath, KeyFile = identity.WriteKey(ClientKeyFormat.Pkcs1) },
        "pkcs12" => new() { Pkcs12File = identity.WritePkcs12(Password), PasswordFile = WritePassword(identity.Folder) },
        _ => throw new ArgumentOutOfRangeException(nameof(form)),
    };

    private static string WritePassword(string folder)
    {
        var path = Path.Combine(folder, $"p12-password-{Guid.NewGuid():N}");
        File.WriteAllText(path, Password);
        return path;
    }

    private TlsPolicy PolicyWith(ClientIdentityOptions identity) =>
        TlsPolicy.Create("mtls", new TlsPolicyOptions { TrustAnchors = fixture.ServerChain.RootPath, ClientIdentity = identity });
}
