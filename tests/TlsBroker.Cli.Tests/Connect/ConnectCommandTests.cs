using System.CommandLine;
using TlsBroker.Cli.Connect;
using TlsBroker.Cli.Tests.Infrastructure;
using TlsBroker.Testing;

namespace TlsBroker.Cli.Tests.Connect;

[Trait("Category", "Unit")]
public sealed class ConnectCommandTests
{
    [Fact]
    public async Task Parse_OnlyHostAndPort_UsesDocumentedDefaults()
    {
        var settings = await BindAsync("example.com:443");

        Assert.Equal(new ServerEndpoint("example.com", 443), settings.Server);
        Assert.Equal("example.com", settings.ServerName);
        Assert.Equal(ConnectCommand.DefaultBroker, settings.Broker);
        Assert.Equal(string.Empty, settings.Policy);
        Assert.Empty(settings.Alpn);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.Timeout);
    }

    [Fact]
    public async Task Parse_BracketedIpv6WithoutServername_VerifiesTheAddressLiteral()
    {
        var settings = await BindAsync("[::1]:8443");

        Assert.Equal("::1", settings.ServerName);
        Assert.Equal(8443, settings.Server.Port);
    }

    [Fact]
    public async Task Parse_EveryOption_BindsEach()
    {
        var settings = await BindAsync(
            "127.0.0.1:4433", "--servername", "localhost", "--broker", "http://127.0.0.1:7001", "--policy", "strict",
            "--alpn", "h2, http/1.1", "--timeout", "2.5");

        Assert.Equal("localhost", settings.ServerName);
        Assert.Equal(new Uri("http://127.0.0.1:7001"), settings.Broker);
        Assert.Equal("strict", settings.Policy);
        Assert.Equal(["h2", "http/1.1"], settings.Alpn);
        Assert.Equal(TimeSpan.FromSeconds(2.5), settings.Timeout);
    }

    [Theory]
    [InlineData("connect", "example.com:99999")]
    [InlineData("connect", "example.com")]
    [InlineData("connect", "::1:443")]
    [InlineData("connect", "example.com:443", "--timeout", "0")]
    [InlineData("connect", "example.com:443", "--timeout", "soon")]
    [InlineData("connect", "example.com:443", "--broker", "127.0.0.1:5001")]
    [InlineData("connect", "example.com:443", "--alpn", "h2,")]
    [InlineData("connect", "example.com:443", "--no-such-option")]
    [InlineData("connect")]
    [InlineData]
    public async Task Run_BadCommandLine_ExitsWithUsageCode(params string[] args)
    {
        var run = await CliRun.InvokeAsync(string.Empty, args);

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains("--help' for usage.", run.Stderr, StringComparison.Ordinal);
        Assert.True(string.IsNullOrWhiteSpace(run.Stdout), run.ToString());
    }

    [Fact]
    public async Task Run_ConnectHelp_DocumentsOptionsStatusLinesAndExitCodes()
    {
        var run = await CliRun.InvokeAsync(string.Empty, "connect", "--help");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        foreach (var expected in new[] { "<HOST:PORT>", "--servername", "--broker", "--policy", "--alpn", "--timeout", "SSL_ERROR_ZERO_RETURN", "Exit codes:" })
        {
            Assert.Contains(expected, run.Stdout, StringComparison.Ordinal);
        }
    }

    private static async Task<ConnectSettings> BindAsync(params string[] args)
    {
        ConnectSettings? bound = null;
        var command = ConnectCommand.Create((settings, _) =>
        {
            bound = settings;
            return Task.FromResult(ExitCodes.Success);
        });
        var parseResult = command.Parse(args);
        Assert.Empty(parseResult.Errors);

        var exitCode = await parseResult.InvokeAsync(new InvocationConfiguration()).WaitAsync(TestTimeouts.Step);

        Assert.Equal(ExitCodes.Success, exitCode);
        return bound ?? throw new InvalidOperationException("the action did not run");
    }
}
