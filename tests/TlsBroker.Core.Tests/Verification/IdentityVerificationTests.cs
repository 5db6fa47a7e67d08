using System.Net;
using TlsBroker.Core.Results;
using TlsBroker.Core.Verification;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Core.Tests.Verification;

/// <summary>
/// The verifier with URI, SPIFFE and email identities, from the policy (any one of them, with or without the server
/// name) and from the request (each subjectAltName type required), on certificates issued by the test.
/// </summary>
[Trait("Category", "Unit")]
public sealed class IdentityVerificationTests : IDisposable
{
    private const string Api = "spiffe://prod.test/ns/payments/sa/api";

    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private readonly TestCertificate root = TestPki.Issue(CertificateSpec.Root("Identity Test Root"));
    private readonly List<TestCertificate> issued = [];

    [Theory]
    [InlineData(Api, "", true)]
    [InlineData("spiffe://prod.test/ns/payments/sa/other", "", false)]
    [InlineData("spiffe://prod.test/ns/payments/sa/API", "", false)]
    [InlineData("spiffe://prod.test/ns/payments/sa/other", "prod.test", true)]
    [InlineData("spiffe://staging.test/ns/payments/sa/api", "prod.test", false)]
    [InlineData("spiffe://Prod.test/ns/payments/sa/api", "prod.test", false)]
    public void Verify_SvidUnderMeshPolicy_MatchesIdOrTrustDomain(string presented, string trustDomain, bool accepted)
    {
        var leaf = Leaf(CertificateSpec.Svid(presented));
        var identities = Policy([.. trustDomain.Length == 0 ? [Api] : Array.Empty<string>()], trustDomain, checkServerName: false);

        var outcome = Verifier(identities).Verify([leaf.Der], Expect("svid.internal"), Now);

        Assert.True(accepted == outcome.IsOk, outcome.Reason);
        if (!accepted)
        {
            Assert.Equal((X509VerifyCode.HostnameMismatch, 0), (outcome.Code, outcome.Depth));
            Assert.Contains(presented, outcome.Reason, StringComparison.Ordinal);
            Assert.Contains("the policy's ExpectedIdentities", outcome.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Verify_TwoUriSansOneMatching_NotAnSvid()
    {
        var leaf = Leaf(CertificateSpec.Svid(Api) with { Uris = [Api, "spiffe://prod.test/ns/payments/sa/other"] });

        var outcome = Verifier(Policy([Api], null, checkServerName: false)).Verify([leaf.Der], Expect("svid.internal"), Now);

        Assert.Equal(X509VerifyCode.HostnameMismatch, outcome.Code);
        Assert.Contains("exactly one URI SAN (SPIFFE X509-SVID §2), this certificate has 2", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_UppercaseTrustDomainInCertificate_NotASpiffeId()
    {
        var leaf = Leaf(CertificateSpec.Svid("spiffe://PROD.test/api"));

        var outcome = Verifier(Policy([], "prod.test", checkServerName: false)).Verify([leaf.Der], Expect("svid.internal"), Now);

        Assert.Equal(X509VerifyCode.HostnameMismatch, outcome.Code);
        Assert.Contains("its URI is not a SPIFFE ID: the trust domain must be lower case", outcome.Reason, StringComparison.Ordinal);
    }

    /// <summary>By default the policy's identities come on top of the server name: an SVID without the DNS name fails on it.</summary>
    [Theory]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "svid.internal" }, true)]
    public void Verify_MeshPolicyCheckingServerName_BothNeeded(string[] dnsNames, bool accepted)
    {
        var leaf = Leaf(CertificateSpec.Svid(Api) with { DnsNames = dnsNames });

        var outcome = Verifier(Policy([Api], null, checkServerName: true)).Verify([leaf.Der], Expect("svid.internal"), Now);

        Assert.True(accepted == outcome.IsOk, outcome.Reason);
        if (!accepted)
        {
            Assert.Equal(X509VerifyCode.HostnameMismatch, outcome.Code);
            Assert.Contains("expected 'svid.internal'; the certificate's DNS names are none", outcome.Reason, StringComparison.Ordinal);
        }
    }

    /// <summary>Each alternative of the policy may be of another type; a mismatch of IP-only alternatives is OpenSSL's 64.</summary>
    [Theory]
    [InlineData("IP:10.0.0.7", true, X509VerifyCode.Ok)]
    [InlineData("IP:10.0.0.8", false, X509VerifyCode.IpAddressMismatch)]
    [InlineData("email:ops@example.test", false, X509VerifyCode.EmailMismatch)]
    [InlineData("DNS:A.Example.Test", true, X509VerifyCode.Ok)]
    public void Verify_PolicyAlternativeOfOtherTypes_MatchedByType(string entry, bool accepted, X509VerifyCode code)
    {
        var leaf = Leaf(CertificateSpec.Svid(Api) with { DnsNames = ["a.example.test"], IpAddresses = [IPAddress.Parse("10.0.0.7")] });

        var outcome = Verifier(Policy([entry], null, checkServerName: false)).Verify([leaf.Der], Expect("a.example.test"), Now);

        Assert.Equal((accepted, code), (outcome.IsOk, outcome.Code));
    }

    /// <summary>Request identities: alternatives within a type, every type required, in OpenSSL's check_id order (hosts, email, IP), URIs last.</summary>
    [Theory]
    [InlineData("email:Ops@Example.TEST", X509VerifyCode.Ok)]
    [InlineData("email:ops@example.test", X509VerifyCode.EmailMismatch)]
    [InlineData("email:other@example.test email:Ops@example.test", X509VerifyCode.Ok)]
    [InlineData("URI:https://api.example.test/V1/%7Euser", X509VerifyCode.Ok)]
    [InlineData("URI:https://api.example.test/v1/%7Euser", X509VerifyCode.HostnameMismatch)]
    [InlineData("IP:10.0.0.8 email:Ops@example.test", X509VerifyCode.IpAddressMismatch)]
    [InlineData("IP:10.0.0.8 email:nobody@example.test", X509VerifyCode.EmailMismatch)]
    [InlineData("DNS:b.example.test IP:10.0.0.8", X509VerifyCode.HostnameMismatch)]
    [InlineData("DNS:b.example.test DNS:a.example.test IP:10.0.0.7 URI:https://API.example.test/V1/%7euser", X509VerifyCode.Ok)]
    public void Verify_RequestIdentities_EachTypeRequired(string entries, X509VerifyCode code)
    {
        var leaf = Leaf(CertificateSpec.Server("a.example.test") with
        {
            IpAddresses = [IPAddress.Parse("10.0.0.7")],
            Emails = ["Ops@example.test"],
            Uris = ["HTTPS://Api.Example.Test/V1/%7euser"],
        });
        var required = entries.Split(' ').Select(Parse).ToList();

        var outcome = Verifier(PolicyIdentities.ServerNameOnly).Verify([leaf.Der], new IdentityExpectation(null, required), Now);

        Assert.True(code == outcome.Code, outcome.Reason);
    }

    [Fact]
    public void Verify_NothingToProve_FailsClosed()
    {
        var leaf = Leaf(CertificateSpec.Server("a.example.test"));

        var outcome = Verifier(PolicyIdentities.ServerNameOnly).Verify([leaf.Der], new IdentityExpectation(null, []), Now);

        Assert.Equal(X509VerifyCode.HostnameMismatch, outcome.Code);
    }

    /// <summary>Control characters in a presented URI do not reach the reason (and from it the logs).</summary>
    [Fact]
    public void Verify_PresentedUriWithControlCharacter_ReasonShowsItEscaped()
    {
        var leaf = Leaf(CertificateSpec.Svid("spiffe://prod.test/a\nb"));

        var outcome = Verifier(Policy([Api], null, checkServerName: false)).Verify([leaf.Der], Expect("svid.internal"), Now);

        Assert.Equal(X509VerifyCode.HostnameMismatch, outcome.Code);
        Assert.Contains("spiffe://prod.test/a?b", outcome.Reason, StringComparison.Ordinal);
    }

    /// <summary>The identities are part of the cache key: a success for one is never a hit for another.</summary>
    [Fact]
    public void Verify_SharedCacheOtherIdentities_NoReuse()
    {
        var leaf = Leaf(CertificateSpec.Svid(Api));
        var cache = new VerifiedChainCache(16, TimeSpan.FromHours(1));
        var anchors = TrustAnchors.FromCertificates([root.Certificate], "identities");
        var matching = new CertificateVerifier(anchors, cache, requirements: ChainRequirements.Default with { Identities = Policy([Api], null, false) });
        var other = new CertificateVerifier(anchors, cache, requirements: ChainRequirements.Default with { Identities = Policy(["spiffe://prod.test/other"], null, false) });

        var first = matching.Verify([leaf.Der], Expect("svid.internal"), Now);
        var again = matching.Verify([leaf.Der], Expect("svid.internal"), Now);
        var otherPolicy = other.Verify([leaf.Der], Expect("svid.internal"), Now);
        var otherRequest = matching.Verify([leaf.Der], new IdentityExpectation(null, [Parse("URI:spiffe://prod.test/other")]), Now);

        Assert.True(first.IsOk && again.IsOk, first.Reason);
        Assert.Equal((X509VerifyCode.HostnameMismatch, X509VerifyCode.HostnameMismatch), (otherPolicy.Code, otherRequest.Code));
        Assert.Equal((1L, 3L), (cache.Hits, cache.Misses));
    }

    public void Dispose()
    {
        foreach (var certificate in issued)
        {
            certificate.Dispose();
        }

        root.Dispose();
    }

    private static ExpectedIdentity Parse(string entry)
    {
        Assert.True(ExpectedIdentity.TryParseConfigured(entry, out var identity, out var error), error);
        return identity!;
    }

    private static PolicyIdentities Policy(string[] entries, string? trustDomain, bool checkServerName)
    {
        var problems = new List<string>();
        var identities = PolicyIdentities.Parse(entries, trustDomain, checkServerName, problems);
        Assert.Empty(problems);
        return identities!;
    }

    private static IdentityExpectation Expect(string serverName)
    {
        Assert.True(ServerIdentity.TryParse(serverName, out var identity, out var error), error);
        return IdentityExpectation.For(identity!);
    }

    private TestCertificate Leaf(CertificateSpec spec)
    {
        var leaf = TestPki.Issue(spec, root);
        issued.Add(leaf);
        return leaf;
    }

    private CertificateVerifier Verifier(PolicyIdentities identities) =>
        new(TrustAnchors.FromCertificates([root.Certificate], "identities"), requirements: ChainRequirements.Default with { Identities = identities });
}
