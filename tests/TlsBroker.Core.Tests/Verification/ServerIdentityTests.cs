using System.Net;
using TlsBroker.Core.Verification;

namespace TlsBroker.Core.Tests.Verification;

[Trait("Category", "Unit")]
public sealed class ServerIdentityTests
{
    [Theory]
    [InlineData("example.com", "example.com")]
    [InlineData("WWW.Example.COM", "www.example.com")]
    [InlineData("www.example.com.", "www.example.com")]
    [InlineData("localhost", "localhost")]
    [InlineData("xn--bcher-kva.example", "xn--bcher-kva.example")]
    [InlineData("a-b.c1.example", "a-b.c1.example")]
    [InlineData("1host.example", "1host.example")]
    public void TryParse_DnsName_NormalisedAndSentAsSni(string input, string expected)
    {
        Assert.True(ServerIdentity.TryParse(input, out var identity, out var error), error);
        Assert.Equal(expected, identity!.Name);
        Assert.Equal(expected, identity.SniHostName);
        Assert.False(identity.IsIpAddress);
        Assert.Equal(string.Empty, error);
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("::1", "::1")]
    [InlineData("[::1]", "::1")]
    [InlineData("2001:DB8:0:0::1", "2001:db8::1")]
    public void TryParse_IpLiteral_CanonicalAndNoSni(string input, string expected)
    {
        Assert.True(ServerIdentity.TryParse(input, out var identity, out var error), error);
        Assert.Equal(expected, identity!.Name);
        Assert.Equal(IPAddress.Parse(expected), identity.IpAddress);
        Assert.True(identity.IsIpAddress);
        Assert.Null(identity.SniHostName);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("exa mple.com", "not allowed")]
    [InlineData(" example.com", "not allowed")]
    [InlineData("example..com", "empty label")]
    [InlineData(".example.com", "empty label")]
    [InlineData("-example.com", "starts or ends with '-'")]
    [InlineData("example-.com", "starts or ends with '-'")]
    [InlineData("*.example.com", "not allowed")]
    [InlineData("ex_ample.com", "not allowed")]
    [InlineData("host\u0000.example", "not allowed")]
    [InlineData("host\r\nforged.example", "not allowed")]
    [InlineData("example.com:443", "IPv6")]
    [InlineData("bücher.example", "A-label")]
    [InlineData("127.1", "dotted-quad")]
    [InlineData("256.0.0.1", "dotted-quad")]
    [InlineData("010.0.0.1", "dotted-quad")]
    [InlineData("1.2.3.4.", "dotted-quad")]
    [InlineData("fe80::1%eth0", "zone index")]
    [InlineData("[::1]:443", "IPv6")]
    public void TryParse_Invalid_FailsWithReason(string input, string reasonPart)
    {
        Assert.False(ServerIdentity.TryParse(input, out var identity, out var error));
        Assert.Null(identity);
        Assert.Contains(reasonPart, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_LabelOf64Characters_Fails()
    {
        var name = new string('a', ServerIdentity.MaxLabelLength + 1) + ".example";

        Assert.False(ServerIdentity.TryParse(name, out _, out var error));
        Assert.Contains("longer than 63", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_NameOf253And254Characters_OnlyTheFirstAccepted()
    {
        var label = new string('a', ServerIdentity.MaxLabelLength);
        var longest = string.Join('.', label, label, label, new string('b', 61));
        Assert.Equal(ServerIdentity.MaxDnsNameLength, longest.Length);

        Assert.True(ServerIdentity.TryParse(longest, out _, out var error), error);
        Assert.True(ServerIdentity.TryParse(longest + ".", out _, out error), error);
        Assert.False(ServerIdentity.TryParse(longest + "c", out _, out error));
        Assert.Contains("at most 253", error, StringComparison.Ordinal);
    }
}
