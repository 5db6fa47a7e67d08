using TlsBroker.Core.Verification;

namespace TlsBroker.Core.Tests.Verification;

/// <summary>RFC 6125 §6.4 DNS-ID matching as browsers apply it (names are already normalised by ServerIdentity).</summary>
[Trait("Category", "Unit")]
public sealed class IdentityCheckTests
{
    [Theory]
    [InlineData("www.example.com", "www.example.com", true)]
    [InlineData("WWW.Example.Com", "www.example.com", true)]
    [InlineData("www.example.com.", "www.example.com", true)]
    [InlineData("www.example.com", "example.com", false)]
    [InlineData("example.com", "www.example.com", false)]
    [InlineData("*.example.com", "a.example.com", true)]
    [InlineData("*.EXAMPLE.com", "a.example.com", true)]
    [InlineData("*.example.com.", "a.example.com", true)]
    [InlineData("*.example.com", "example.com", false)]
    [InlineData("*.example.com", "a.b.example.com", false)]
    [InlineData("*.example.com", ".example.com", false)]
    [InlineData("f*.example.com", "foo.example.com", false)]
    [InlineData("*o.example.com", "foo.example.com", false)]
    [InlineData("f*o.example.com", "foo.example.com", false)]
    [InlineData("www.*.com", "www.example.com", false)]
    [InlineData("*.*.example.com", "a.b.example.com", false)]
    [InlineData("*.com", "example.com", false)]
    [InlineData("*", "example", false)]
    [InlineData("*.", "example", false)]
    [InlineData("*.example.com", "xn--bcher-kva.example.com", true)]
    public void DnsNameMatches_Pattern_AsBrowsersDo(string pattern, string hostName, bool matches)
    {
        Assert.Equal(matches, IdentityCheck.DnsNameMatches(pattern, hostName));
    }
}
