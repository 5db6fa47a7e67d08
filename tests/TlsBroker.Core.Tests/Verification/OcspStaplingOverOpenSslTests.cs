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
/// The engine against <c>openssl s_server -status_file</c> stapling responses made by <c>openssl ocsp</c> from a real
/// <c>openssl ca</c> index, under each revocation mode, over TLS 1.2 and 1.3. What each response says (signature,
/// status, nextUpdate) is read by <c>openssl ocsp -respin</c>, the oracle; a stale response is a current one judged
/// on a clock two days ahead, past its one-day nextUpdate and within the certificates' 30 days.
/// </summary>
[Trait("Category", "Functional")]
public sealed class OcspStaplingOverOpenSslTests(RevocationPkiFixture fixture) : IClassFixture<RevocationPkiFixture>
{
    private static readonly TimeSpan StaleBy = TimeSpan.FromDays(2);

    public static TheoryData<string, string, string> Rows
    {
        get
        {
            var rows = new TheoryData<string, string, string>();
            foreach (var row in new[] { "good", "revoked", "unknown", "missing", "rogue responder", "another certificate's id", "stale" })
            {
                foreach (var mode in new[] { "soft-fail", "hard-fail" })
                {
                    rows.Add(row, mode, "-tls1_3");
                    rows.Add(row, mode, "-tls1_2");
                }
            }

            return rows;
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Handshake_StapledResponse_VerdictOfModeAndAlert(string row, string mode, string version)
    {
        var pki = fixture.Pki;
        var (served, stapled) = Case(pki, row);
        var now = row == "stale" ? DateTimeOffset.UtcNow + StaleBy : DateTimeOffset.UtcNow;
        var (expected, unverified) = await ExpectedAsync(pki, served, stapled, mode, now);
        var policy = Policy(pki, mode);
        string[] status = stapled is null ? [] : ["-status_file", stapled];
        await using var server = await OpenSslServer.StartAsync(served, pki.KeyPath(served), [version, .. status]);

        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(policy, new FakeTimeProvider(now)), server.Port);
        var result = await pump.HandshakeAsync(new SessionStart(RevocationPki.ServerName, []));

        Assert.Equal(expected, result.Verify.Code);
        if (expected == X509VerifyCode.Ok)
        {
            Assert.Equal(1, result.Ret);
            Assert.Equal(unverified, result.Verify.RevocationUnverified?.Code);
            return;
        }

        Assert.Equal((-1, SslError.Ssl, 0), (result.Ret, result.Error, result.Verify.Depth));
        var alert = Assert.IsType<TlsAlert>(result.Alert);
        Assert.True(alert.Sent && alert.Fatal);
        Assert.Equal(VerifyAlert.For(expected), alert.Description);
        await server.WaitForOutputAsync($"SSL alert number {alert.Description}");
    }

    /// <summary>With revocation off no status_request is sent, so s_server staples nothing even with a revoked response at hand.</summary>
    [Fact]
    public async Task Handshake_ModeOffRevokedResponseAtHand_EstablishedWithoutStatusRequest()
    {
        var pki = fixture.Pki;
        var policy = TlsPolicy.Create("revocation-off", new TlsPolicyOptions { TrustAnchors = pki.CaPath });
        await using var server = await OpenSslServer.StartAsync(pki.RevokedPath, pki.KeyPath(pki.RevokedPath), ["-status_file", pki.ResponseFor(pki.RevokedPath), "-status_verbose"]);

        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(policy, TimeProvider.System), server.Port);
        var result = await pump.HandshakeAsync(new SessionStart(RevocationPki.ServerName, []));

        Assert.Equal((1, X509VerifyCode.Ok), (result.Ret, result.Verify.Code));
        Assert.DoesNotContain("cert_status: callback called", server.Output, StringComparison.Ordinal);
    }

    /// <summary>The same good response verified twice is answered from the cache; a revoked one for the same chain is never.</summary>
    [Fact]
    public async Task Verify_GoodThenRevokedStapledForSameChain_SecondFromCacheRevokedComputed()
    {
        var pki = fixture.Pki;
        var policy = Policy(pki, "hard-fail");
        var chain = new[] { Der(pki.GoodPath) };
        Assert.True(ServerIdentity.TryParse(RevocationPki.ServerName, out var identity, out _));
        var good = File.ReadAllBytes(pki.ResponseFor(pki.GoodPath));
        var now = DateTimeOffset.UtcNow;

        var first = policy.Verifier.Verify(chain, identity!, now, good);
        var second = policy.Verifier.Verify(chain, identity!, now, good);
        var otherResponse = policy.Verifier.Verify(chain, identity!, now, File.ReadAllBytes(pki.ResponseFor(pki.ResponderPath)));
        var afterNextUpdate = policy.Verifier.Verify(chain, identity!, now + StaleBy, good);

        Assert.True(first.IsOk && second.IsOk);
        Assert.Equal(X509VerifyCode.OcspVerifyFailed, otherResponse.Code);
        Assert.Equal(X509VerifyCode.OcspVerifyFailed, afterNextUpdate.Code);
        Assert.Equal((1L, 3L), (policy.Verifier.Cache!.Hits, policy.Verifier.Cache.Misses));
    }

    /// <summary>Bytes that are not a usable OCSP response give 74 with a reason, never an exception.</summary>
    [Theory]
    [InlineData("empty")]
    [InlineData("not DER")]
    [InlineData("truncated")]
    [InlineData("a certificate")]
    [InlineData("one byte flipped in the signature")]
    public void Verify_MalformedStapledBytes_OcspVerifyFailed(string kind)
    {
        var pki = fixture.Pki;
        var good = File.ReadAllBytes(pki.ResponseFor(pki.GoodPath));
        var flipped = (byte[])good.Clone();
        flipped[^3] ^= 0x40;
        var stapled = kind switch
        {
            "empty" => [],
            "not DER" => "not an OCSP response"u8.ToArray(),
            "truncated" => good[..(good.Length / 2)],
            "a certificate" => Der(pki.GoodPath),
            _ => flipped,
        };
        Assert.True(ServerIdentity.TryParse(RevocationPki.ServerName, out var identity, out _));

        var outcome = Policy(pki, "hard-fail").Verifier.Verify([Der(pki.GoodPath)], identity!, DateTimeOffset.UtcNow, stapled);

        Assert.Equal((X509VerifyCode.OcspVerifyFailed, 0), (outcome.Code, outcome.Depth));
        Assert.StartsWith("OCSP verification failed: the stapled OCSP response", outcome.Reason, StringComparison.Ordinal);
    }

    private static TlsPolicy Policy(RevocationPki pki, string mode) =>
        TlsPolicy.Create("revocation", new TlsPolicyOptions { TrustAnchors = pki.CaPath, Revocation = new RevocationOptions { Mode = mode } });

    private static byte[] Der(string pemPath) =>
        System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(pemPath).RawData;

    /// <summary>The certificate s_server serves and the response it staples (null: none).</summary>
    private static (string Served, string? Stapled) Case(RevocationPki pki, string row) => row switch
    {
        "good" or "stale" => (pki.GoodPath, pki.ResponseFor(pki.GoodPath)),
        "revoked" => (pki.RevokedPath, pki.ResponseFor(pki.RevokedPath)),
        "unknown" => (pki.UnlistedPath, pki.ResponseFor(pki.UnlistedPath)),
        "missing" => (pki.GoodPath, null),
        "rogue responder" => (pki.GoodPath, pki.RogueResponse),
        "another certificate's id" => (pki.GoodPath, pki.ResponseFor(pki.ResponderPath)),
        _ => throw new ArgumentOutOfRangeException(nameof(row), row, null),
    };

    /// <summary>
    /// The hard-fail number for what OpenSSL says of the response: 73 when none is stapled, 74 when its signature does
    /// not verify, it has no status for the certificate or its nextUpdate (plus OpenSSL's 5-minute skew) has passed,
    /// else 23 for revoked, 75 for unknown, OK for good. Soft-fail keeps only 23 and reports the rest as unverified.
    /// </summary>
    private static async Task<(X509VerifyCode Expected, X509VerifyCode? Unverified)> ExpectedAsync(
        RevocationPki pki, string served, string? stapled, string mode, DateTimeOffset now)
    {
        X509VerifyCode hard;
        if (stapled is null)
        {
            hard = X509VerifyCode.OcspVerifyNeeded;
        }
        else
        {
            var oracle = await OpenSslOcsp.RunAsync(stapled, served, pki.CaPath);
            hard = !oracle.SignatureVerified || oracle.Status is null || oracle.NextUpdate + TimeSpan.FromMinutes(5) < now
                ? X509VerifyCode.OcspVerifyFailed
                : oracle.Status switch
                {
                    "good" => X509VerifyCode.Ok,
                    "revoked" => X509VerifyCode.CertRevoked,
                    _ => X509VerifyCode.OcspCertUnknown,
                };
        }

        return mode == "hard-fail" || hard is X509VerifyCode.Ok or X509VerifyCode.CertRevoked
            ? (hard, null)
            : (X509VerifyCode.Ok, hard);
    }
}
