using System.IO.Pipelines;
using System.Text;
using TlsBroker.Cli.Tests.Infrastructure;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Cli.Tests.Connect;

/// <summary><c>tlsbroker connect</c> in-process, through a real broker, against a real <c>openssl s_server</c>.</summary>
[Trait("Category", "Functional")]
public sealed class ConnectEndToEndTests(BrokerWithTestChain fixture) : IClassFixture<BrokerWithTestChain>
{
    [Theory]
    [InlineData("-tls1_3")]
    [InlineData("-tls1_2")]
    public async Task Run_OpenSslServerRev_RelaysDataAndReportsWhatTheServerNegotiated(string versionOption)
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev", versionOption, "-groups", "X25519");

        // s_server -rev answers each line reversed, and "CLOSE" makes it send close_notify and hang up.
        var run = await RunConnectAsync("hello\nCLOSE\n", server, "localhost");

        var version = await OpenSslOracle.ServerReportAsync(server, "Protocol version:");
        var cipher = await OpenSslOracle.IanaCipherNameAsync(await OpenSslOracle.ServerReportAsync(server, "Ciphersuite:"));
        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Equal("olleh\n", run.Stdout);
        Assert.Equal(
            [$"ret=1 error=SSL_ERROR_NONE version={version} cipher={cipher} group=x25519 alpn=none verify=0", "ret=0 error=SSL_ERROR_ZERO_RETURN"],
            StderrLines(run));
    }

    /// <summary>As s_client -sess_out / -sess_in: the second run resumes the first run's session.</summary>
    [Fact]
    public async Task Run_SessOutThenSessIn_SecondRunResumes()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev", "-tls1_2");
        var file = fixture.Chain.WriteFile($"session-{Guid.NewGuid():N}.token", string.Empty);

        var first = await RunConnectAsync("CLOSE\n", server, "localhost", "--sess-out", file);
        var second = await RunConnectAsync("CLOSE\n", server, "localhost", "--sess-in", file);

        Assert.True(first.ExitCode == ExitCodes.Success, first.ToString());
        Assert.True(second.ExitCode == ExitCodes.Success, second.ToString());
        Assert.DoesNotContain(" resumed", StderrLines(first)[0], StringComparison.Ordinal);
        Assert.EndsWith(" resumed", StderrLines(second)[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_AlpnOffered_ReportsTheProtocolTheServerSelected()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev", "-alpn", "h2");

        var run = await RunConnectAsync("CLOSE\n", server, "localhost", "--alpn", "http/1.1,h2");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains(" alpn=h2 verify=0", StderrLines(run)[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WrongServername_SendsAlertWithOpenSslVerifyNumberAndFails()
    {
        const string wrongName = "wrong.example";
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev");
        var expectedVerify = (await OpenSslVerify.RunAsync(fixture.Chain, wrongName)).Code;

        var run = await RunConnectAsync("hello\n", server, wrongName);

        Assert.True(run.ExitCode == ExitCodes.TlsFailure, run.ToString());
        Assert.NotEqual(0, expectedVerify);
        var lines = StderrLines(run);
        Assert.Equal(2, lines.Length);
        Assert.Matches($@"^ret=-1 error=SSL_ERROR_SSL alert=\w+\(\d+\) sent verify={expectedVerify} reason="".+""$", lines[0]);
        Assert.Equal($"tlsbroker: the broker at {fixture.BrokerAddress} refused the certificate under its policy 'default' (its trust anchors decide)", lines[1]);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public async Task Run_ServerHangsUpWithoutCloseNotify_ReportsUnexpectedEofAndSucceeds()
    {
        var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev");
        var stdin = new Pipe();
        Task<CliRun> run;
        try
        {
            run = InvokeConnectAsync(stdin.Reader.AsStream(), server, "localhost");
            await OpenSslOracle.ServerReportAsync(server, "Ciphersuite:");
        }
        finally
        {
            // Killing s_server closes its socket without a TLS close_notify.
            await server.DisposeAsync();
        }

        var result = await run;
        await stdin.Writer.CompleteAsync();

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal("ret=-1 error=SSL_ERROR_SYSCALL reason=\"unexpected eof while reading\"", StderrLines(result)[^1]);
    }

    [Fact]
    public async Task Run_ServerSilentAfterStdinEnds_ExitsTimeout()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev");

        // Long enough for a handshake on a busy machine, since --timeout bounds that too.
        var run = await RunConnectAsync("hello\n", server, "localhost", "--timeout", "3");

        Assert.True(run.ExitCode == ExitCodes.Timeout, run.ToString());
        Assert.Equal("olleh\n", run.Stdout);
        Assert.Contains("server sent nothing for 3 s", run.Stderr, StringComparison.Ordinal);
    }

    private Task<CliRun> RunConnectAsync(string stdin, OpenSslServer server, string serverName, params string[] options) =>
        InvokeConnectAsync(new MemoryStream(Encoding.UTF8.GetBytes(stdin)), server, serverName, options);

    private async Task<CliRun> InvokeConnectAsync(Stream stdin, OpenSslServer server, string serverName, params string[] options)
    {
        string[] args =
        [
            "connect", $"127.0.0.1:{server.Port}", "--servername", serverName, "--broker", fixture.BrokerAddress.ToString(), .. options,
        ];
        return await CliRun.InvokeAsync(stdin, args);
    }

    private static string[] StderrLines(CliRun run) => run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
