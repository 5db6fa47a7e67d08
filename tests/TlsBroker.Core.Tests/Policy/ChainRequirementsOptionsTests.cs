using TlsBroker.Core.Policy;
using TlsBroker.Core.Verification;

namespace TlsBroker.Core.Tests.Policy;

/// <summary>ExtendedKeyUsages, MaxDepth and Profile as written in configuration: defaults, names, and every bad value reported at once.</summary>
[Trait("Category", "Unit")]
public sealed class ChainRequirementsOptionsTests(PolicyRootFixture fixture) : IClassFixture<PolicyRootFixture>
{
    [Fact]
    public void Create_NoKnobs_ServerAuthAndOpenSslDepth()
    {
        var policy = TlsPolicy.Create("knobs", Options());

        Assert.Equal(["1.3.6.1.5.5.7.3.1"], policy.Verifier.Requirements.ExtendedKeyUsages);
        Assert.Equal(100, policy.Verifier.Requirements.MaxDepth);
        Assert.Equal(VerificationProfile.WebPki, policy.Verifier.Requirements.Profile);
    }

    [Theory]
    [InlineData("webpki", VerificationProfile.WebPki)]
    [InlineData("WebPKI", VerificationProfile.WebPki)]
    [InlineData("", VerificationProfile.WebPki)]
    [InlineData("strict", VerificationProfile.Strict)]
    [InlineData(" Strict ", VerificationProfile.Strict)]
    public void Create_Profile_Resolved(string profile, VerificationProfile expected)
    {
        var options = Options();
        options.Profile = profile;

        var policy = TlsPolicy.Create("knobs", options);

        Assert.Equal(expected, policy.Verifier.Requirements.Profile);
    }

    [Fact]
    public void Create_NamesAndOids_ResolvedInOrderWithoutDuplicates()
    {
        var options = Options();
        options.ExtendedKeyUsages = ["clientAuth", " 1.3.6.1.4.1.99999.1 ", "ServerAuth", "1.3.6.1.5.5.7.3.2"];
        options.MaxDepth = 0;

        var policy = TlsPolicy.Create("knobs", options);

        Assert.Equal(["1.3.6.1.5.5.7.3.2", "1.3.6.1.4.1.99999.1", "1.3.6.1.5.5.7.3.1"], policy.Verifier.Requirements.ExtendedKeyUsages);
        Assert.Equal(0, policy.Verifier.Requirements.MaxDepth);
    }

    [Theory]
    [InlineData("codeSigning")]
    [InlineData("1")]
    [InlineData("3.1.2")]
    [InlineData("1.40.1")]
    [InlineData("1.3..6")]
    [InlineData("1.3.6.")]
    [InlineData("")]
    [InlineData("1.3.6.1.5.5.7.3.-1")]
    public void Create_BadExtendedKeyUsage_IsAProblemNamingIt(string usage)
    {
        var options = Options();
        options.ExtendedKeyUsages = ["serverAuth", usage];

        var error = Assert.Throws<PolicyConfigurationException>(() => TlsPolicy.Create("knobs", options));

        var problem = Assert.Single(error.Problems);
        Assert.Contains($"ExtendedKeyUsages: '{usage}'", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    [InlineData(int.MaxValue)]
    public void Create_MaxDepthOutOfRange_IsAProblem(int maxDepth)
    {
        var options = Options();
        options.MaxDepth = maxDepth;

        var error = Assert.Throws<PolicyConfigurationException>(() => TlsPolicy.Create("knobs", options));

        var problem = Assert.Single(error.Problems);
        Assert.Contains($"MaxDepth is {maxDepth}; it must be between 0", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_BadUsageDepthAndProfileWithOtherProblems_ReportsEveryOneAtOnce()
    {
        var options = Options();
        options.ExtendedKeyUsages = ["1.x"];
        options.MaxDepth = 500;
        options.MinVersion = "1.1";
        options.Profile = "x509_strict";

        var error = Assert.Throws<PolicyConfigurationException>(() => TlsPolicy.Create("knobs", options));

        Assert.Equal(4, error.Problems.Count);
        string[] mentioned = ["'1.x'", "MaxDepth is 500", "MinVersion '1.1'", "Profile is 'x509_strict'; it must be webpki (the default) or strict"];
        Assert.All(mentioned, m => Assert.Contains(m, error.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_DefaultsWithNoUsages_EqualsTheDefaultRequirements()
    {
        var problems = new List<string>();

        var requirements = ChainRequirements.Parse([], ChainRequirements.DefaultMaxDepth, problems);

        Assert.Empty(problems);
        Assert.Equal(ChainRequirements.Default.ExtendedKeyUsages, requirements!.ExtendedKeyUsages);
        Assert.Equal(ChainRequirements.Default.MaxDepth, requirements.MaxDepth);
    }

    private TlsPolicyOptions Options() => new() { TrustAnchors = fixture.Chain.RootPath };
}
