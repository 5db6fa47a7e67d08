using System.Net;
using System.Text.RegularExpressions;
using TlsBroker.Cli.Tests.Infrastructure;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Cli.Tests.Verify;

/// <summary>
/// <c>tlsbroker verify --trust</c> (no broker) on chains the test generates, against <c>openssl verify</c>
/// with the same files and options as the oracle for the verdict, the number, the depth and the certificate named.
/// </summary>
[Trait("Category", "Functional")]
public sealed partial class VerifyOfflineTests
{
    public static TheoryData<string> Cases => new()
    {
        "good chain",
        "good chain, IP",
        "expired leaf",
        "unknown issuer",
        "wrong host",
        "wrong IP",
        "wrong purpose",
        "depth exceeded",
        "attime before notBefore",
        "attime within validity",
        "email",
        "wrong email",
        "email beside a wrong host",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Run_Case_SameVerdictAsOpenSslVerify(string name)
    {
        using var generated = Generate(name);
        var scenario = Configure(name, generated);
        var oracle = await scenario.OpenSslAsync();

        var run = await CliRun.InvokeAsync(string.Empty, scenario.OfflineArguments());

        if (oracle.Code == 0)
        {
            Assert.True(run.ExitCode == ExitCodes.Success, $"{run}\nopenssl:\n{oracle.Output}");
            Assert.Equal($"{scenario.ChainPath}: OK\n", run.Stdout);
            return;
        }

        Assert.True(run.ExitCode == ExitCodes.VerifyRejected, $"{run}\nopenssl:\n{oracle.Output}");
        Assert.Equal($"error {scenario.ChainPath}: verification failed\n", run.Stdout);
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var error = ErrorLine().Match(lines[1]);
        Assert.True(error.Success, run.ToString());
        Assert.Equal((oracle.Code, oracle.Depth), (int.Parse(error.Groups["code"].Value), int.Parse(error.Groups["depth"].Value)));
        Assert.StartsWith(oracle.Text, error.Groups["text"].Value, StringComparison.Ordinal);
        Assert.Contains($"{lines[0]}\nerror {oracle.Code} at {oracle.Depth} depth lookup", oracle.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_SeveralHostNames_AnyOneOfThemIsEnough()
    {
        using var scenario = VerifyScenario.Create();

        var run = await CliRun.InvokeAsync(string.Empty, [.. scenario.OfflineArguments(), "--servername", "other.test", "--servername", "localhost"]);
        var none = await CliRun.InvokeAsync(string.Empty, [.. scenario.OfflineArguments(), "--servername", "other.test", "--servername", "else.test"]);

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Equal(ExitCodes.VerifyRejected, none.ExitCode);
        Assert.Contains("error 62 at 0 depth lookup", none.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_HostNameAndWrongIp_BothKindsMustMatch()
    {
        using var scenario = VerifyScenario.Create();
        var both = scenario.With(hostNames: ["localhost"], ipAddresses: [IPAddress.Parse("192.0.2.1")]);
        var oracle = await both.OpenSslAsync();

        var run = await CliRun.InvokeAsync(string.Empty, both.OfflineArguments());

        Assert.Equal(ExitCodes.VerifyRejected, run.ExitCode);
        Assert.Contains($"error {oracle.Code} at {oracle.Depth} depth lookup", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_IntermediateAsTrustAnchor_AcceptedWithoutTheRoot()
    {
        using var scenario = VerifyScenario.Create();
        var trust = Path.Combine(scenario.Folder, "intermediate.pem");
        await File.WriteAllTextAsync(trust, scenario.Untrusted[0].CertificatePem);
        var leafOnly = Path.Combine(scenario.Folder, "leaf.pem");
        await File.WriteAllTextAsync(leafOnly, scenario.Leaf.CertificatePem);

        var run = await CliRun.InvokeAsync(string.Empty, "verify", "--chain", leafOnly, "--trust", trust, "--show-chain");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Equal($"{leafOnly}: OK\nChain:\ndepth=0: O = TlsBroker Tests, CN = localhost (untrusted)\ndepth=1: O = TlsBroker Tests, CN = Verify Intermediate 1\nPins: none configured\n", run.Stdout);
    }

    [Fact]
    public async Task Run_UriSan_MatchesTheUriAndHoldsSpiffeIdsToTheirRules()
    {
        const string spiffeId = "spiffe://example.test/payments";
        using var scenario = VerifyScenario.Create(spec => spec with { Uris = [spiffeId] });

        var match = await CliRun.InvokeAsync(string.Empty, scenario.With(uris: [spiffeId]).OfflineArguments());
        var otherPath = await CliRun.InvokeAsync(string.Empty, scenario.With(uris: ["spiffe://example.test/ledger"]).OfflineArguments());
        var notSpiffe = await CliRun.InvokeAsync(string.Empty, scenario.With(uris: ["spiffe://Example.test/payments"]).OfflineArguments());

        Assert.True(match.ExitCode == ExitCodes.Success, match.ToString());
        Assert.Equal(ExitCodes.VerifyRejected, otherPath.ExitCode);
        Assert.Contains("error 62 at 0 depth lookup", otherPath.Stderr, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, notSpiffe.ExitCode);
        Assert.Contains("'spiffe://Example.test/payments' is not a URI", notSpiffe.Stderr, StringComparison.Ordinal);
    }

    private static VerifyScenario Generate(string name) => name switch
    {
        "expired leaf" => VerifyScenario.Create(spec => spec with { NotBefore = DateTimeOffset.UtcNow.AddDays(-5), NotAfter = DateTimeOffset.UtcNow.AddDays(-1) }),
        "unknown issuer" => VerifyScenario.Create(trustOtherRoot: true),
        "depth exceeded" => VerifyScenario.Create(intermediates: 3),
        "email" or "wrong email" or "email beside a wrong host" => VerifyScenario.Create(spec => spec with { Emails = ["ops@example.test"] }),
        _ => VerifyScenario.Create(),
    };

    private static VerifyScenario Configure(string name, VerifyScenario scenario) => name switch
    {
        "good chain" or "expired leaf" or "unknown issuer" => scenario.With(hostNames: ["localhost"]),
        "good chain, IP" => scenario.With(ipAddresses: [IPAddress.Loopback]),
        "wrong host" => scenario.With(hostNames: ["wrong.test"]),
        "wrong IP" => scenario.With(ipAddresses: [IPAddress.Parse("192.0.2.1")]),
        "wrong purpose" => scenario.With(purpose: "sslclient"),
        "depth exceeded" => scenario.With(maxDepth: 1),
        "attime before notBefore" => scenario.With(at: scenario.Leaf.Certificate.NotBefore.AddHours(-1)),
        "attime within validity" => scenario.With(at: scenario.Leaf.Certificate.NotAfter.AddDays(-1)),
        "email" => scenario.With(emails: ["ops@EXAMPLE.test"]),
        "wrong email" => scenario.With(emails: ["Ops@example.test"]),
        "email beside a wrong host" => scenario.With(hostNames: ["wrong.test"], emails: ["ops@example.test"]),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such case"),
    };

    [GeneratedRegex(@"^error (?<code>\d+) at (?<depth>\d+) depth lookup: (?<text>.*)$")]
    private static partial Regex ErrorLine();
}
