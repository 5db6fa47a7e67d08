using System.Text.RegularExpressions;
using TlsBroker.Cli.Tests.Infrastructure;
using TlsBroker.Testing;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Cli.Tests.Verify;

/// <summary>
/// <c>tlsbroker verify --trust --crl</c> on certificates and CRLs made by <c>openssl ca</c>, with
/// <c>openssl verify -crl_check_all -CRLfile</c> on the same files as the oracle for the verdict, number and depth.
/// </summary>
[Trait("Category", "Functional")]
public sealed partial class VerifyCrlTests(RevocationPkiFixture fixture) : IClassFixture<RevocationPkiFixture>
{
    public static TheoryData<string> Rows => ["good", "revoked", "CRL signed by another key", "no CRL of the issuer", "revoked intermediate"];

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Run_CrlFiles_SameVerdictAsOpenSslVerifyCrlCheckAll(string row)
    {
        var pki = fixture.Pki;
        var (served, intermediate, crls) = Case(pki, row);
        var chain = pki.Bundle($"chain-{Guid.NewGuid():N}.pem", [served, .. intermediate is null ? Array.Empty<string>() : [intermediate]]);
        List<string> oracleArguments = ["verify", "-crl_check_all", "-CAfile", pki.CaPath, "-purpose", "sslserver"];
        if (intermediate is not null)
        {
            oracleArguments.AddRange(["-untrusted", intermediate]);
        }

        // apps/verify.c keeps only the last -CRLfile: one file holds them all.
        oracleArguments.AddRange(["-CRLfile", pki.Bundle($"crls-{Guid.NewGuid():N}.pem", crls), served]);
        var oracle = OpenSslVerify.Parse((await OpenSslCommand.RunAsync(oracleArguments)).Output);

        var run = await CliRun.InvokeAsync(string.Empty, ["verify", "--chain", chain, "--trust", pki.CaPath, .. crls.SelectMany(crl => new[] { "--crl", crl })]);

        if (oracle.Code == 0)
        {
            Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
            return;
        }

        Assert.True(run.ExitCode == ExitCodes.VerifyRejected, run.ToString());
        var error = ErrorLine().Match(run.Stderr);
        Assert.True(error.Success, run.ToString());
        Assert.Equal((oracle.Code, oracle.Depth), (int.Parse(error.Groups["code"].Value), int.Parse(error.Groups["depth"].Value)));
    }

    [Fact]
    public async Task Run_CrlFileMissing_UsageError()
    {
        var pki = fixture.Pki;
        var missing = pki.PathOf($"missing-{Guid.NewGuid():N}.crl");

        var run = await CliRun.InvokeAsync(string.Empty, "verify", "--chain", pki.GoodPath, "--trust", pki.CaPath, "--crl", missing);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--crl", run.Stderr, StringComparison.Ordinal);
        Assert.Contains(missing, run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_CrlWithoutTrust_UsageError()
    {
        var pki = fixture.Pki;

        var run = await CliRun.InvokeAsync(string.Empty, "verify", "--chain", pki.GoodPath, "--servername", RevocationPki.ServerName, "--crl", pki.CrlPath);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--crl is for an offline verification", run.Stderr, StringComparison.Ordinal);
    }

    private static (string Served, string? Intermediate, string[] Crls) Case(RevocationPki pki, string row) => row switch
    {
        "good" => (pki.GoodPath, null, [pki.CrlPath]),
        "revoked" => (pki.RevokedPath, null, [pki.CrlPath]),
        "CRL signed by another key" => (pki.GoodPath, null, [pki.ForeignCrlPath]),
        "no CRL of the issuer" => (pki.GoodPath, null, [pki.OtherCaCrlPath]),
        "revoked intermediate" => (pki.SubLeafPath, pki.SubCaPath, [pki.CrlPath, pki.SubCaCrlPath]),
        _ => throw new ArgumentOutOfRangeException(nameof(row), row, null),
    };

    [GeneratedRegex(@"^error (?<code>\d+) at (?<depth>\d+) depth lookup", RegexOptions.Multiline)]
    private static partial Regex ErrorLine();
}
