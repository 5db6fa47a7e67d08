using TlsBroker.Cli.Connect;

namespace TlsBroker.Cli.Tests.Connect;

[Trait("Category", "Unit")]
public sealed class ServerEndpointTests
{
    [Theory]
    [InlineData("example.com:443", "example.com", 443)]
    [InlineData("127.0.0.1:8443", "127.0.0.1", 8443)]
    [InlineData("[::1]:443", "::1", 443)]
    [InlineData("[2001:db8::1]:65535", "2001:db8::1", 65535)]
    [InlineData("localhost:1", "localhost", 1)]
    public void TryParse_HostAndPort_SplitsThem(string text, string host, int port)
    {
        Assert.True(ServerEndpoint.TryParse(text, out var endpoint, out var error), error);
        Assert.Equal(new ServerEndpoint(host, port), endpoint);
        Assert.Equal(text, endpoint.ToString());
    }

    [Theory]
    [InlineData("example.com", "port is missing")]
    [InlineData("example.com:0", "1 to 65535")]
    [InlineData("example.com:65536", "1 to 65535")]
    [InlineData("example.com:https", "1 to 65535")]
    [InlineData("example.com:+443", "1 to 65535")]
    [InlineData("example.com:", "1 to 65535")]
    [InlineData(":443", "host is missing")]
    [InlineData("::1:443", "in brackets")]
    [InlineData("[::1]", "followed by :PORT")]
    [InlineData("[::1]:", "1 to 65535")]
    [InlineData("[example.com]:443", "not an IPv6 address")]
    [InlineData("[127.0.0.1]:443", "not an IPv6 address")]
    public void TryParse_Malformed_ExplainsWhy(string text, string explanation)
    {
        Assert.False(ServerEndpoint.TryParse(text, out var endpoint, out var error));
        Assert.Null(endpoint);
        Assert.Contains(explanation, error, StringComparison.Ordinal);
    }
}
