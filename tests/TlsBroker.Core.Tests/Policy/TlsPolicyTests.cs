using TlsBroker.Core.Policy;
using TlsBroker.Core.Verification;

namespace TlsBroker.Core.Tests.Policy;

[Trait("Category", "Unit")]
public sealed class TlsPolicyTests(PolicyRootFixture fixture) : IClassFixture<PolicyRootFixture>
{
    [Fact]
    public void Create_EmptyLists_GivesStrictModernDefaults()
    {
        var policy = TlsPolicy.Create("default", Options());

        Assert.Equal((TlsProtocolVersion.Tls12, TlsProtocolVersion.Tls13), (policy.MinVersion, policy.MaxVersion));
        Assert.Equal(["x25519", "secp256r1", "secp384r1"], policy.Groups);
        Assert.Equal(
            ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"],
            policy.CipherSuites.Where(s => !s.Contains("_WITH_", StringComparison.Ordinal)));
        Assert.All(policy.CipherSuites.Where(s => s.Contains("_WITH_", StringComparison.Ordinal)), suite =>
        {
            Assert.StartsWith("TLS_ECDHE_", suite);
            Assert.True(suite.Contains("_GCM_", StringComparison.Ordinal) || suite.Contains("CHACHA20_POLY1305", StringComparison.Ordinal), suite);
        });
        Assert.Contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", policy.CipherSuites);
        Assert.Contains("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", policy.CipherSuites);
        Assert.DoesNotContain(policy.SignatureSchemes, s => s.Contains("sha1", StringComparison.Ordinal));
        Assert.Contains("rsa_pss_rsae_sha256", policy.SignatureSchemes);
        Assert.Contains("ecdsa_secp256r1_sha256", policy.SignatureSchemes);
        Assert.Equal("default", policy.Name);
        Assert.Equal(fixture.Chain.RootPath, policy.Verifier.TrustAnchors.Source);
    }

    [Fact]
    public void Create_ManyProblems_ReportsEveryOneAtOnce()
    {
        var options = Options();
        options.MinVersion = "1.1";
        options.MaxVersion = "2.0";
        options.CipherSuites = ["TLS_AES_128_GCM_SHA256", "TLS_RSA_WITH_RC4_128_MD5"];
        options.Groups = ["x25519", "ffdhe1024"];
        options.SignatureSchemes = ["md5_rsa"];
        options.AllowedServerNames = ["*.*.example.com", "exa mple.com"];
        options.TrustAnchors = Path.Combine(fixture.Chain.Folder, "missing.pem");

        var error = Assert.Throws<PolicyConfigurationException>(() => TlsPolicy.Create("broken", options));

        Assert.Equal("broken", error.PolicyName);
        string[] mentioned = ["1.1", "2.0", "TLS_RSA_WITH_RC4_128_MD5", "ffdhe1024", "md5_rsa", "*.*.example.com", "exa mple.com", "missing.pem"];
        Assert.Equal(mentioned.Length, error.Problems.Count);
        Assert.All(mentioned, m => Assert.Contains(error.Problems, p => p.Contains(m, StringComparison.Ordinal)));
        Assert.All(mentioned, m => Assert.Contains(m, error.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Create_MinAboveMax_IsAProblem()
    {
        var options = Options();
        options.MinVersion = "1.3";
        options.MaxVersion = "1.2";

        var error = Assert.Throws<PolicyConfigurationException>(() => TlsPolicy.Create("inverted", options));

        Assert.Single(error.Problems);
        Assert.Contains("MinVersion", error.Problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Create_OnlyTls13SuitesWithMaxTls12_IsAProblem()
    {
        var options = Options();
        options.MaxVersion = "1.2";
        options.CipherSuites = ["TLS_AES_128_GCM_SHA256"];

        var error = Assert.Throws<PolicyConfigurationException>(() => TlsPolicy.Create("unusable", options));

        Assert.Contains(error.Problems, p => p.Contains("no cipher suite", StringComparison.Ordinal));
    }

    [Fact]
    public void Create_Tls13Only_KeepsOnlyTls13Suites()
    {
        var options = Options();
        options.MinVersion = "1.3";

        var policy = TlsPolicy.Create("tls13", options);

        Assert.Equal(["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"], policy.CipherSuites);
    }

    [Fact]
    public void Create_ConfiguredOrder_IsKept()
    {
        var options = Options();
        options.CipherSuites = ["TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"];
        options.Groups = ["secp384r1", "x25519"];

        var policy = TlsPolicy.Create("ordered", options);

        Assert.Equal(options.CipherSuites, policy.CipherSuites);
        Assert.Equal(options.Groups, policy.Groups);
    }

    [Theory]
    [InlineData(new string[0], "anything.example", true)]
    [InlineData(new[] { "api.example.com" }, "api.example.com", true)]
    [InlineData(new[] { "api.example.com" }, "API.Example.com", true)]
    [InlineData(new[] { "api.example.com" }, "www.example.com", false)]
    [InlineData(new[] { "*.example.com" }, "api.example.com", true)]
    [InlineData(new[] { "*.example.com" }, "example.com", false)]
    [InlineData(new[] { "*.example.com" }, "a.b.example.com", false)]
    [InlineData(new[] { "*.example.com" }, "api.example.com.evil", false)]
    [InlineData(new[] { "*.example.com" }, "127.0.0.1", false)]
    [InlineData(new[] { "127.0.0.1" }, "127.0.0.1", true)]
    [InlineData(new[] { "127.0.0.1" }, "127.0.0.2", false)]
    [InlineData(new[] { "::1" }, "0:0:0:0:0:0:0:1", true)]
    [InlineData(new[] { "127.0.0.1", "*.example.com" }, "www.example.com", true)]
    public void AllowsServerName_Patterns_MatchAsDocumented(string[] allowed, string serverName, bool expected)
    {
        var options = Options();
        options.AllowedServerNames = [.. allowed];
        var policy = TlsPolicy.Create("names", options);
        Assert.True(ServerIdentity.TryParse(serverName, out var identity, out var error), error);

        Assert.Equal(expected, policy.AllowsServerName(identity!));
    }

    [Theory]
    [InlineData(-1, "00:01:00", "MaxEntries")]
    [InlineData(1_000_001, "00:01:00", "MaxEntries")]
    [InlineData(100, "00:00:00", "MaxAge")]
    [InlineData(100, "1.00:00:01", "MaxAge")]
    public void Create_VerifiedChainCacheOutOfRange_IsAProblem(int maxEntries, string maxAge, string field)
    {
        var options = Options();
        options.VerifiedChainCache = new VerifiedChainCacheOptions { MaxEntries = maxEntries, MaxAge = TimeSpan.Parse(maxAge, System.Globalization.CultureInfo.InvariantCulture) };

        var error = Assert.Throws<PolicyConfigurationException>(() => TlsPolicy.Create("cache", options));

        Assert.Contains(error.Problems, p => p.Contains($"VerifiedChainCache:{field}", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    public void Create_VerifiedChainCacheMaxEntries_ZeroTurnsItOff(int maxEntries, bool cached)
    {
        var options = Options();
        options.VerifiedChainCache.MaxEntries = maxEntries;

        var policy = TlsPolicy.Create("cache", options);

        Assert.Equal(cached, policy.Verifier.Cache is not null);
        Assert.Equal(cached ? maxEntries : null, policy.Verifier.Cache?.MaxEntries);
    }

    private TlsPolicyOptions Options() => new() { TrustAnchors = fixture.Chain.RootPath };
}
