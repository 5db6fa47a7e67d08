using TlsBroker.Cli.Tests.Infrastructure;

namespace TlsBroker.Cli.Tests.Verify;

/// <summary>A <c>tlsbroker verify</c> command line that is wrong exits 2 with one line saying what is wrong (and, for a parse error, where --help is).</summary>
[Trait("Category", "Unit")]
public sealed class VerifyUsageTests
{
    [Theory]
    [InlineData("no --chain", "--chain")]
    [InlineData("--trust with --policy", "--policy is for a verification through the broker")]
    [InlineData("--attime without --trust", "--attime is for an offline verification")]
    [InlineData("broker without a name", "give the name the server must prove: --servername NAME, --ip ADDRESS, --email ADDRESS or --uri URI")]
    [InlineData("bad --attime", "'yesterday' is not a time")]
    [InlineData("bad --purpose", "'smtp' is not a purpose")]
    [InlineData("--max-depth 101", "'101' is not a depth")]
    [InlineData("IP as --servername", "'127.0.0.1' is an IP address: give it with --ip")]
    [InlineData("name as --ip", "'localhost' is not an IP address")]
    [InlineData("bad --email", "'ops.example.test' is not an email address")]
    [InlineData("relative --uri", "'payments/ledger' is not a URI")]
    [InlineData("missing chain file", "cannot read --chain")]
    [InlineData("no certificate in --trust", "--trust")]
    [InlineData("not a certificate in --chain", "holds no PEM certificate")]
    public async Task Run_UsageError_ExitsTwoWithOneClearLine(string name, string expected)
    {
        var folder = Path.Combine(Path.GetTempPath(), "tlsbroker-tests", "cli-verify-usage-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var pem = Path.Combine(folder, "chain.pem");
            await File.WriteAllTextAsync(pem, "-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n");
            var empty = Path.Combine(folder, "empty.pem");
            await File.WriteAllTextAsync(empty, string.Empty);
            using var scenario = VerifyScenario.Create();
            var good = scenario.ChainPath;
            string[] args = name switch
            {
                "no --chain" => ["verify", "--servername", "localhost"],
                "--trust with --policy" => ["verify", "--chain", good, "--trust", good, "--policy", "default"],
                "--attime without --trust" => ["verify", "--chain", good, "--servername", "localhost", "--attime", "0"],
                "broker without a name" => ["verify", "--chain", good],
                "bad --attime" => ["verify", "--chain", good, "--trust", good, "--attime", "yesterday"],
                "bad --purpose" => ["verify", "--chain", good, "--trust", good, "--purpose", "smtp"],
                "--max-depth 101" => ["verify", "--chain", good, "--trust", good, "--max-depth", "101"],
                "IP as --servername" => ["verify", "--chain", good, "--trust", good, "--servername", "127.0.0.1"],
                "name as --ip" => ["verify", "--chain", good, "--trust", good, "--ip", "localhost"],
                "bad --email" => ["verify", "--chain", good, "--trust", good, "--email", "ops.example.test"],
                "relative --uri" => ["verify", "--chain", good, "--trust", good, "--uri", "payments/ledger"],
                "missing chain file" => ["verify", "--chain", Path.Combine(folder, "absent.pem"), "--trust", good],
                "no certificate in --trust" => ["verify", "--chain", good, "--trust", empty],
                "not a certificate in --chain" => ["verify", "--chain", pem, "--trust", good],
                _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such case"),
            };

            var run = await CliRun.InvokeAsync(string.Empty, args);

            Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
            var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains(expected, lines[0], StringComparison.Ordinal);
            Assert.True(lines.Length == 1 || (lines.Length == 2 && lines[1] == "Run 'tlsbroker verify --help' for usage."), run.ToString());
            Assert.Equal(string.Empty, run.Stdout);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
