using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using TlsBroker.Core.Engine;
using TlsBroker.Core.Policy;
using TlsBroker.Core.Results;
using TlsBroker.Core.Verification;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Core.Tests.Verification;

/// <summary>
/// The engine against <c>openssl s_server</c> with CRLs made by <c>openssl ca -gencrl</c> as the policy's CrlFiles, under
/// each revocation mode. The oracle is <c>openssl verify -crl_check_all -CRLfile</c> on the same certificate, CRL and time:
/// hard-fail reports its number and depth; soft-fail keeps only "revoked" (at any depth: the intermediate is also
/// checked alone with <c>-crl_check</c>, as -crl_check_all stops at the first error) and reports the rest as unverified.
/// </summary>
[Trait("Category", "Functional")]
public sealed class CrlOverOpenSslTests(RevocationPkiFixture fixture) : IClassFixture<RevocationPkiFixture>
{
    public static TheoryData<string, string> Rows
    {
        get
        {
            var rows = new TheoryData<string, string>();
            foreach (var row in new[] { "good", "revoked", "expired CRL", "CRL signed by another key", "no CRL of the issuer", "revoked intermediate", "no CRL of the intermediate" })
            {
                rows.Add(row, "soft-fail");
                rows.Add(row, "hard-fail");
            }

            return rows;
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Handshake_CrlFile_VerdictOfOpenSslVerifyAndAlert(string row, string mode)
    {
        var pki = fixture.Pki;
        var (served, crls, now) = Case(pki, row);
        var intermediate = served == pki.SubLeafPath ? pki.SubCaPath : null;
        var oracle = await OracleAsync(pki, served, intermediate, crls, now);
        if (mode == "soft-fail" && oracle.Code != (int)X509VerifyCode.CertRevoked && await RevokedAboveAsync(pki, intermediate, crls, now) is { } revoked)
        {
            // -crl_check_all stops at its first error; soft-fail goes on past an unverified certificate and still fails on a revoked one above it.
            oracle = revoked;
        }

        var hardFail = mode == "hard-fail" || oracle.Code is 0 or (int)X509VerifyCode.CertRevoked;
        var policy = TlsPolicy.Create("crl", new TlsPolicyOptions
        {
            TrustAnchors = pki.CaPath,
            Revocation = new RevocationOptions { Mode = mode, OcspStapling = false, CrlFiles = [.. crls] },
        });
        string[] chain = intermediate is null ? [] : ["-cert_chain", intermediate];
        await using var server = await OpenSslServer.StartAsync(served, pki.KeyPath(served), ["-status_verbose", .. chain]);

        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(policy, new FakeTimeProvider(now)), server.Port);
        var result = await pump.HandshakeAsync(new SessionStart(RevocationPki.ServerName, []));

        Assert.DoesNotContain("cert_status: callback called", server.Output, StringComparison.Ordinal);
        if (!hardFail)
        {
            Assert.Equal((1, X509VerifyCode.Ok), (result.Ret, result.Verify.Code));
            Assert.Equal(((X509VerifyCode)oracle.Code, oracle.Depth), (result.Verify.RevocationUnverified!.Code, result.Verify.RevocationUnverified.Depth));
            return;
        }

        Assert.Equal(((X509VerifyCode)oracle.Code, oracle.Depth), (result.Verify.Code, result.Verify.Depth));
        if (oracle.Code == 0)
        {
            Assert.Equal(1, result.Ret);
            return;
        }

        Assert.Equal((-1, SslError.Ssl), (result.Ret, result.Error));
        var alert = Assert.IsType<TlsAlert>(result.Alert);
        Assert.Equal(VerifyAlert.For((X509VerifyCode)oracle.Code), alert.Description);
        await server.WaitForOutputAsync($"SSL alert number {alert.Description}");
    }

    /// <summary>
    /// The served certificate (a certificate of the intermediate is served with it), the CRL files and the time; an
    /// expired CRL is the current one judged two days ahead.
    /// </summary>
    private static (string Served, string[] Crls, DateTimeOffset Now) Case(RevocationPki pki, string row) => row switch
    {
        "good" => (pki.GoodPath, [pki.CrlPath], DateTimeOffset.UtcNow),
        "revoked" => (pki.RevokedPath, [pki.CrlPath], DateTimeOffset.UtcNow),
        "expired CRL" => (pki.GoodPath, [pki.CrlPath], DateTimeOffset.UtcNow + TimeSpan.FromDays(2)),
        "CRL signed by another key" => (pki.GoodPath, [pki.ForeignCrlPath], DateTimeOffset.UtcNow),
        "no CRL of the issuer" => (pki.GoodPath, [pki.OtherCaCrlPath], DateTimeOffset.UtcNow),
        "revoked intermediate" => (pki.SubLeafPath, [pki.CrlPath, pki.SubCaCrlPath], DateTimeOffset.UtcNow),
        "no CRL of the intermediate" => (pki.SubLeafPath, [pki.CrlPath], DateTimeOffset.UtcNow),
        _ => throw new ArgumentOutOfRangeException(nameof(row), row, null),
    };

    /// <summary><c>openssl verify -crl_check</c> on the intermediate alone: a revocation at depth 1 of the path, or null.</summary>
    private static async Task<OpenSslVerdict?> RevokedAboveAsync(RevocationPki pki, string? intermediate, string[] crls, DateTimeOffset now)
    {
        if (intermediate is null)
        {
            return null;
        }

        var (_, output) = await OpenSslCommand.RunAsync(
        [
            "verify", "-crl_check", "-CAfile", pki.CaPath, "-attime", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            "-CRLfile", pki.Bundle($"crls-{Guid.NewGuid():N}.pem", crls), intermediate,
        ]);
        var verdict = OpenSslVerify.Parse(output);
        return verdict.Code == (int)X509VerifyCode.CertRevoked ? verdict with { Depth = verdict.Depth + 1 } : null;
    }

    private static async Task<OpenSslVerdict> OracleAsync(RevocationPki pki, string served, string? intermediate, string[] crls, DateTimeOffset now)
    {
        List<string> arguments = ["verify", "-crl_check_all", "-CAfile", pki.CaPath, "-purpose", "sslserver", "-attime", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)];
        if (intermediate is not null)
        {
            arguments.AddRange(["-untrusted", intermediate]);
        }

        // apps/verify.c keeps only the last -CRLfile: one file holds them all.
        arguments.AddRange(["-CRLfile", pki.Bundle($"crls-{Guid.NewGuid():N}.pem", crls), served]);
        return OpenSslVerify.Parse((await OpenSslCommand.RunAsync(arguments)).Output);
    }
}
