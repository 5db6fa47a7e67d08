using Grpc.Core;
using TlsBroker.Contracts.V1;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests;

/// <summary>
/// VerifyRequest.expected_identities through a real broker: email (63 as OpenSSL's -verify_email), URI, SPIFFE ID and
/// trust domain (62), IP (64); each kind present is required, alternatives within a kind; server_name may then be
/// empty; a bad identity is INVALID_ARGUMENT naming its index.
/// </summary>
[Collection(SharedBrokerCollection.Name)]
[Trait("Category", "Functional")]
public sealed class VerifyRpcIdentityTests(BrokerFixture fixture)
{
    private const string Email = "Ops.Team@Example.TEST";
    private const string Svid = "spiffe://prod.test/ns/payments/sa/api";

    [Theory]
    [InlineData("email=Ops.Team@example.test", 0)]
    [InlineData("email=ops.team@example.test", 63)]
    [InlineData("email=nobody@example.test email=Ops.Team@EXAMPLE.test", 0)]
    [InlineData("spiffe_id=" + Svid, 0)]
    [InlineData("spiffe_id=spiffe://prod.test/ns/payments/sa/web", 62)]
    [InlineData("uri=SPIFFE://prod.test/ns/payments/sa/api", -1)]
    [InlineData("spiffe_trust_domain=prod.test", 0)]
    [InlineData("spiffe_trust_domain=staging.test", 62)]
    [InlineData("uri=" + Svid + " email=Ops.Team@example.test ip=127.0.0.1 dns=localhost", 0)]
    [InlineData("uri=" + Svid + " email=Ops.Team@example.test ip=10.1.2.3", 64)]
    [InlineData("dns=other.test email=Ops.Team@example.test", 62)]
    [InlineData("ip=::1", 64)]
    public async Task Verify_ExpectedIdentities_EachKindRequired(string identities, int code)
    {
        using var leaf = Leaf();
        var request = VerifyCalls.Request([leaf, fixture.EcdsaChain.Intermediate], string.Empty);
        request.ExpectedIdentities.AddRange(identities.Split(' ').Select(Identity));

        if (code < 0)
        {
            var status = await VerifyCalls.StatusOfAsync(fixture.Broker.Client, request);
            Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
            Assert.Contains("expected_identities[0] is invalid", status.Detail, StringComparison.Ordinal);
            return;
        }

        var response = await VerifyCalls.VerifyAsync(fixture.Broker.Client, request);

        Assert.True(code == response.Verify.Code, response.Reason);
    }

    /// <summary>OpenSSL's own X509_check_email decides the same for the same chain (the oracle).</summary>
    [Theory]
    [InlineData("Ops.Team@example.test")]
    [InlineData("ops.team@example.test")]
    [InlineData("Ops.Team@other.test")]
    public async Task Verify_Email_SameCodeAsOpenSslVerifyEmail(string email)
    {
        using var leaf = Leaf();
        var oracle = await OpenSslVerify.RunAsync(leaf, [fixture.EcdsaChain.Root], [fixture.EcdsaChain.Intermediate], email: email);
        var request = VerifyCalls.Request([leaf, fixture.EcdsaChain.Intermediate], string.Empty);
        request.ExpectedIdentities.Add(new ExpectedIdentity { Email = email });

        var response = await VerifyCalls.VerifyAsync(fixture.Broker.Client, request);

        Assert.Equal((oracle.Code, oracle.Depth), (response.Verify.Code, response.Verify.Depth));
        Assert.Equal(oracle.Code == 0 ? "X509_V_OK" : "X509_V_ERR_EMAIL_MISMATCH", response.Verify.Name);
    }

    /// <summary>server_name and expected_identities are both proven: a right email does not excuse a wrong host.</summary>
    [Fact]
    public async Task Verify_ServerNameAndIdentity_BothRequired()
    {
        using var leaf = Leaf();
        var request = VerifyCalls.Request([leaf, fixture.EcdsaChain.Intermediate], "wrong.test");
        request.ExpectedIdentities.Add(new ExpectedIdentity { Email = "Ops.Team@example.test" });

        var response = await VerifyCalls.VerifyAsync(fixture.Broker.Client, request);

        Assert.Equal((62, "X509_V_ERR_HOSTNAME_MISMATCH"), (response.Verify.Code, response.Verify.Name));
        Assert.Contains("wrong.test", response.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unset", "no kind is set")]
    [InlineData("dns=127.0.0.1", "is an IP address, not a DNS name")]
    [InlineData("spiffe_id=spiffe://prod.test/a/../b", "'..' segment")]
    [InlineData("spiffe_trust_domain=Prod.test", "lower case")]
    [InlineData("email=not-an-address", "not a valid email address")]
    [InlineData("uri=relative/path", "no scheme")]
    public async Task Verify_BadExpectedIdentity_InvalidArgumentNamingIt(string identity, string reason)
    {
        var request = VerifyCalls.Request(fixture.EcdsaChain, "localhost");
        request.ExpectedIdentities.Add(new ExpectedIdentity { Dns = "localhost" });
        request.ExpectedIdentities.Add(identity == "unset" ? new ExpectedIdentity() : Identity(identity));

        var status = await VerifyCalls.StatusOfAsync(fixture.Broker.Client, request);

        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.Contains("expected_identities[1] is invalid", status.Detail, StringComparison.Ordinal);
        Assert.Contains(reason, status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_TooManyExpectedIdentities_InvalidArgument()
    {
        var request = VerifyCalls.Request(fixture.EcdsaChain, "localhost");
        request.ExpectedIdentities.AddRange(Enumerable.Range(0, 101).Select(i => new ExpectedIdentity { Dns = $"h{i}.test" }));

        var status = await VerifyCalls.StatusOfAsync(fixture.Broker.Client, request);

        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.Contains("at most 100", status.Detail, StringComparison.Ordinal);
    }

    /// <summary>A DNS identity is a server name too: the policy's AllowedServerNames applies to it as to server_name.</summary>
    [Fact]
    public async Task Verify_DnsIdentityOutsidePolicy_PermissionDenied()
    {
        var request = VerifyCalls.Request(fixture.EcdsaChain, string.Empty, BrokerFixture.RestrictedPolicy);
        request.ExpectedIdentities.Add(new ExpectedIdentity { Dns = "localhost" });

        var status = await VerifyCalls.StatusOfAsync(fixture.Broker.Client, request);

        Assert.Equal(StatusCode.PermissionDenied, status.StatusCode);
    }

    private static ExpectedIdentity Identity(string entry)
    {
        var (kind, value) = (entry[..entry.IndexOf('=', StringComparison.Ordinal)], entry[(entry.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        return kind switch
        {
            "dns" => new ExpectedIdentity { Dns = value },
            "ip" => new ExpectedIdentity { Ip = value },
            "uri" => new ExpectedIdentity { Uri = value },
            "spiffe_id" => new ExpectedIdentity { SpiffeId = value },
            "spiffe_trust_domain" => new ExpectedIdentity { SpiffeTrustDomain = value },
            "email" => new ExpectedIdentity { Email = value },
            _ => throw new ArgumentException($"unknown kind in test row '{entry}'"),
        };
    }

    /// <summary>A leaf under the shared broker's ECDSA chain naming localhost, 127.0.0.1, an email address and an SVID's URI.</summary>
    private TestCertificate Leaf() => TestPki.Issue(
        CertificateSpec.Server("localhost") with
        {
            IpAddresses = [System.Net.IPAddress.Loopback],
            Emails = [Email],
            Uris = [Svid],
            ExtendedKeyUsages = [CertificateSpec.ServerAuthOid, "1.3.6.1.5.5.7.3.4"],
        },
        fixture.EcdsaChain.Intermediate);
}
