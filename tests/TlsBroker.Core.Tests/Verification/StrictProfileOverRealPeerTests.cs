using System.Globalization;
using System.Text.RegularExpressions;
using TlsBroker.Core.Engine;
using TlsBroker.Core.Policy;
using TlsBroker.Core.Results;
using TlsBroker.Core.Verification;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;

namespace TlsBroker.Core.Tests.Verification;

/// <summary>
/// The engine against a real <c>openssl s_server</c> serving a chain that breaks only the strict profile:
/// a policy with Profile strict fails with the verify number and sends the alert that <c>openssl s_client
/// -x509_strict -verify_return_error</c> reports and sends against the same server; the webpki policy establishes.
/// </summary>
[Trait("Category", "Functional")]
public sealed partial class StrictProfileOverRealPeerTests : IDisposable
{
    private readonly PathShapes shapes = new();

    [Theory]
    [InlineData("leaf without authorityKeyIdentifier", "-tls1_3")]
    [InlineData("intermediate with basicConstraints not critical", "-tls1_2")]
    public async Task Handshake_StrictPolicyAgainstOpenSslServer_FailsWithOpenSslClientsCodeAndAlert(string row, string version)
    {
        using var chain = StrictProfileRows.Get(row).Build(shapes).ToChainUnderTest();
        using var files = ServedChain.Write(chain);
        var (expectedCode, expectedAlert) = await OpenSslClientVerdictAsync(files, version);
        Assert.NotEqual(X509VerifyCode.Ok, expectedCode);
        var policy = TlsPolicy.Create("strict-e2e", new TlsPolicyOptions { TrustAnchors = files.AnchorsPath, Profile = "strict" });
        await using var server = await OpenSslServer.StartAsync(files.CertificatePath, files.KeyPath, [.. files.ChainArguments, version]);

        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(policy, TimeProvider.System), server.Port);
        var result = await pump.HandshakeAsync(new SessionStart(chain.ServerName, []));

        Assert.Equal((-1, SslError.Ssl), (result.Ret, result.Error));
        Assert.Equal(expectedCode, result.Verify.Code);
        var alert = Assert.IsType<TlsAlert>(result.Alert);
        Assert.True(alert.Sent && alert.Fatal);
        Assert.Equal(expectedAlert, alert.Description);
        await server.WaitForOutputAsync($"SSL alert number {expectedAlert}");
    }

    [Fact]
    public async Task Handshake_WebPkiPolicyAgainstSameServer_Established()
    {
        using var chain = StrictProfileRows.Get("leaf without authorityKeyIdentifier").Build(shapes).ToChainUnderTest();
        using var files = ServedChain.Write(chain);
        var policy = TlsPolicy.Create("webpki-e2e", new TlsPolicyOptions { TrustAnchors = files.AnchorsPath });
        await using var server = await OpenSslServer.StartAsync(files.CertificatePath, files.KeyPath, [.. files.ChainArguments]);

        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(policy, TimeProvider.System), server.Port);
        var result = await pump.HandshakeAsync(new SessionStart(chain.ServerName, []));

        Assert.Equal((1, X509VerifyCode.Ok), (result.Ret, result.Verify.Code));
        Assert.Null(result.Alert);
    }

    public void Dispose() => shapes.Dispose();

    /// <summary>
    /// What OpenSSL's own TLS client does with -x509_strict against a fresh s_server serving the same files: the
    /// verify number s_client prints, and the alert number that s_server reports having received.
    /// </summary>
    private static async Task<(X509VerifyCode Code, int Alert)> OpenSslClientVerdictAsync(ServedChain files, string version)
    {
        await using var server = await OpenSslServer.StartAsync(files.CertificatePath, files.KeyPath, [.. files.ChainArguments, version]);
        var (_, output) = await OpenSslCommand.RunAsync(
        [
            "s_client", "-connect", $"127.0.0.1:{server.Port}", "-servername", PathShapes.HostName, "-verify_hostname", PathShapes.HostName,
            "-CAfile", files.AnchorsPath, "-x509_strict", "-verify_return_error",
        ]);
        var code = VerifyErrorLine().Match(output);
        Assert.True(code.Success, $"s_client printed no verify error:\n{output}");
        var alertLine = await WaitForAlertAsync(server);
        return ((X509VerifyCode)int.Parse(code.Groups["code"].Value, CultureInfo.InvariantCulture), alertLine);
    }

    private static async Task<int> WaitForAlertAsync(OpenSslServer server)
    {
        await server.WaitForOutputAsync("SSL alert number ");
        var match = AlertLine().Match(server.Output);
        Assert.True(match.Success, server.Output);
        return int.Parse(match.Groups["alert"].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"verify error:num=(?<code>\d+)")]
    private static partial Regex VerifyErrorLine();

    [GeneratedRegex(@"SSL alert number (?<alert>\d+)")]
    private static partial Regex AlertLine();
}
