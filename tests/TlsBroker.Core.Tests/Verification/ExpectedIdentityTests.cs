using TlsBroker.Core.Policy;
using TlsBroker.Core.Verification;

namespace TlsBroker.Core.Tests.Verification;

/// <summary>
/// Expected identities as callers and policies write them: SPIFFE IDs per the SPIFFE-ID standard, URIs per RFC 3986 /
/// RFC 5280 §4.2.1.6, email addresses per RFC 5321, and the policy options that carry them.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ExpectedIdentityTests
{
    [Theory]
    [InlineData("spiffe://prod.example/ns/payments/sa/api")]
    [InlineData("spiffe://prod.example")]
    [InlineData("spiffe://td_1.example-2/A.b_c-D")]
    public void TryParse_ValidSpiffeId_KeptAsIs(string id)
    {
        Assert.True(ExpectedIdentity.TryParse(IdentityKind.SpiffeId, id, out var identity, out var error), error);
        Assert.Equal((IdentityKind.SpiffeId, id), (identity!.Kind, identity.Value));
    }

    [Theory]
    [InlineData("spiffe://Prod.example/api", "lower case")]
    [InlineData("SPIFFE://prod.example/api", "does not start with")]
    [InlineData("spiffe://prod.example:8443/api", "no port")]
    [InlineData("spiffe://user@prod.example/api", "no userinfo")]
    [InlineData("spiffe://prod.example/api?x=1", "no query")]
    [InlineData("spiffe://prod.example/api#f", "no fragment")]
    [InlineData("spiffe://prod.example/api/", "empty segment")]
    [InlineData("spiffe://prod.example//api", "empty segment")]
    [InlineData("spiffe://prod.example/a/../b", "'..' segment")]
    [InlineData("spiffe://prod.example/./b", "'..' segment")]
    [InlineData("spiffe://prod.example/a%20b", "path segments may hold only")]
    [InlineData("spiffe:///api", "trust domain is empty")]
    [InlineData("https://prod.example/api", "does not start with")]
    public void TryParse_InvalidSpiffeId_SaysWhy(string id, string reason)
    {
        Assert.False(ExpectedIdentity.TryParse(IdentityKind.SpiffeId, id, out var identity, out var error));
        Assert.Null(identity);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_SpiffeIdLongerThan2048_Refused()
    {
        var id = "spiffe://prod.example/" + new string('a', 2048 - "spiffe://prod.example/".Length);
        Assert.True(ExpectedIdentity.TryParse(IdentityKind.SpiffeId, id, out _, out var error), error);
        Assert.False(ExpectedIdentity.TryParse(IdentityKind.SpiffeId, id + "a", out _, out error));
        Assert.Contains("2048", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HTTPS://Api.Example.TEST/V1/%7euser?Q=A#F", "https://api.example.test/V1/%7Euser?Q=A#F")]
    [InlineData("https://User@Host.Example:8443/p", "https://User@host.example:8443/p")]
    [InlineData("urn:uuid:6E8BC430-9C3A-11D9-9669-0800200C9A66", "urn:uuid:6E8BC430-9C3A-11D9-9669-0800200C9A66")]
    [InlineData("https://[::1]:8443/", "https://[::1]:8443/")]
    public void TryParse_Uri_SchemeAndHostLowered_RestKept(string uri, string expected)
    {
        Assert.True(ExpectedIdentity.TryParse(IdentityKind.Uri, uri, out var identity, out var error), error);
        Assert.Equal((IdentityKind.Uri, expected), (identity!.Kind, identity.Value));
    }

    [Theory]
    [InlineData("/relative/path", "no scheme")]
    [InlineData("1http://x", "no scheme")]
    [InlineData("https:", "nothing after its scheme")]
    [InlineData("https:///path", "no host")]
    [InlineData("https://host:port/", "port is not a number")]
    [InlineData("https://host/a b", "character ' '")]
    [InlineData("https://host/%zz", "two hex digits")]
    [InlineData("https://høst/", "non-ASCII")]
    public void TryParse_InvalidUri_SaysWhy(string uri, string reason)
    {
        Assert.False(ExpectedIdentity.TryParse(IdentityKind.Uri, uri, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_UriWithSpiffeScheme_IsHeldToSpiffeRules()
    {
        Assert.True(ExpectedIdentity.TryParse(IdentityKind.Uri, "spiffe://prod.example/api", out var identity, out var error), error);
        Assert.Equal(IdentityKind.SpiffeId, identity!.Kind);
        Assert.False(ExpectedIdentity.TryParse(IdentityKind.Uri, "spiffe://Prod.example/api?x", out _, out error));
        Assert.Contains("SPIFFE ID", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Ops.Team@Example.TEST", "Ops.Team@example.test")]
    [InlineData("a+b@mail.example.test.", "a+b@mail.example.test")]
    public void TryParse_Email_DomainLowered_LocalPartKept(string address, string expected)
    {
        Assert.True(ExpectedIdentity.TryParse(IdentityKind.Email, address, out var identity, out var error), error);
        Assert.Equal(expected, identity!.Value);
    }

    [Theory]
    [InlineData("no-at-sign")]
    [InlineData("@example.test")]
    [InlineData("ops@")]
    [InlineData("o ps@example.test")]
    [InlineData("ops@127.0.0.1")]
    [InlineData("ops@exa_mple.test")]
    public void TryParse_InvalidEmail_Refused(string address)
    {
        Assert.False(ExpectedIdentity.TryParse(IdentityKind.Email, address, out _, out var error));
        Assert.Contains("not a valid email address", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("spiffe://prod.example/api", IdentityKind.SpiffeId, "spiffe://prod.example/api")]
    [InlineData("URI:spiffe://prod.example/api", IdentityKind.SpiffeId, "spiffe://prod.example/api")]
    [InlineData("uri:https://Api.Example/x", IdentityKind.Uri, "https://api.example/x")]
    [InlineData("DNS:Api.Example.TEST", IdentityKind.Dns, "api.example.test")]
    [InlineData("IP:::1", IdentityKind.IpAddress, "::1")]
    [InlineData("email:ops@Example.test", IdentityKind.Email, "ops@example.test")]
    public void TryParseConfigured_OpenSslNotation_ParsedByType(string entry, IdentityKind kind, string value)
    {
        Assert.True(ExpectedIdentity.TryParseConfigured(entry, out var identity, out var error), error);
        Assert.Equal((kind, value), (identity!.Kind, identity.Value));
    }

    [Theory]
    [InlineData("api.example.test", "neither a SPIFFE ID")]
    [InlineData("RID:1.2.3", "neither a SPIFFE ID")]
    [InlineData("DNS:127.0.0.1", "is an IP address, not a DNS name")]
    [InlineData("IP:example.test", "is not an IP address")]
    public void TryParseConfigured_BadEntry_SaysWhy(string entry, string reason)
    {
        Assert.False(ExpectedIdentity.TryParseConfigured(entry, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_BadIdentityOptions_ReportsEveryProblemAtOnce()
    {
        var options = new TlsPolicyOptions
        {
            ExpectedIdentities = ["spiffe://Prod/x", "mesh.example", "URI:/relative"],
            SpiffeTrustDomain = "spiffe://prod.example",
        };

        var error = Assert.Throws<PolicyConfigurationException>(() => TlsPolicy.Create("mesh", options));

        Assert.Equal(4, error.Problems.Count);
        Assert.Contains(error.Problems, p => p.StartsWith("ExpectedIdentities: 'spiffe://Prod/x'", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("ExpectedIdentities: 'mesh.example'", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("ExpectedIdentities: '/relative'", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("SpiffeTrustDomain:", StringComparison.Ordinal));
    }

    [Fact]
    public void Create_ServerNameUncheckedWithoutIdentities_Refused()
    {
        var error = Assert.Throws<PolicyConfigurationException>(() => TlsPolicy.Create("mesh", new TlsPolicyOptions { CheckServerName = false }));

        Assert.Contains("nothing would prove the server's identity", Assert.Single(error.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Create_MeshPolicy_IdentitiesInRequirementsAndFingerprint()
    {
        var options = new TlsPolicyOptions { ExpectedIdentities = ["spiffe://prod.example/api"], SpiffeTrustDomain = "prod.example", CheckServerName = false };

        var policy = TlsPolicy.Create("mesh", options);

        var identities = policy.Verifier.Requirements.Identities;
        Assert.False(identities.CheckServerName);
        Assert.Equal(["URI:spiffe://prod.example/api", "SPIFFE trust domain:prod.example"], identities.AnyOf.Select(i => i.ToString()));
        Assert.Contains("URI:spiffe://prod.example/api", policy.Verifier.Requirements.Fingerprint, StringComparison.Ordinal);
        Assert.NotEqual(ChainRequirements.Default.Fingerprint, policy.Verifier.Requirements.Fingerprint);
    }
}
