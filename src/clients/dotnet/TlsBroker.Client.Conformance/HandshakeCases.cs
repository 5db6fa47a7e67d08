using System.Diagnostics;
using System.Security.Authentication;
using Grpc.Core;

namespace TlsBroker.Client.Conformance;

/// <summary>The cases about opening a session: what a handshake reports, how it fails, and resumption.</summary>
internal static class HandshakeCases
{
    public static async Task<string> HandshakeVerifiedAsync(CaseContext context, CancellationToken cancellationToken)
    {
        var nginx = context.Peers.Nginx;
        await using var tls = await CaseContext.ConnectAsync(nginx, context.Options(nginx), cancellationToken);

        Expect.Equal(nginx.ExpectVersion, tls.SessionInfo.ProtocolVersion, "protocol version");
        Expect.Equal(nginx.ExpectVersion == "TLSv1.3" ? SslProtocols.Tls13 : SslProtocols.Tls12, tls.SslProtocol, "SslProtocol");
        Expect.True(tls.CipherSuiteName.StartsWith("TLS_", StringComparison.Ordinal), $"cipher suite {tls.CipherSuiteName} is not an IANA TLS_ name");
        Expect.Equal(tls.CipherSuiteName, tls.NegotiatedCipherSuite.ToString(), "NegotiatedCipherSuite");
        Expect.Equal(nginx.ExpectAlpn, tls.NegotiatedApplicationProtocol.ToString(), "ALPN");
        Expect.True(tls.RemoteCertificate is { RawData.Length: > 0 }, "no peer certificate");
        Expect.True(tls.IsAuthenticated && tls.IsEncrypted && tls.SessionInfo.Verify.IsOk, "not authenticated and verified");
        return $"{tls.SessionInfo.ProtocolVersion} {tls.CipherSuiteName} alpn={tls.NegotiatedApplicationProtocol} peer={tls.RemoteCertificate!.Subject} session={tls.SessionInfo.SessionId}";
    }

    public static async Task<string> VerifyFailureAsync(CaseContext context, CancellationToken cancellationToken)
    {
        var peer = context.Peers.WrongName;
        var failure = await Expect.ThrowsAsync<BrokerTlsCertificateException>(
            () => CaseContext.ConnectAsync(peer, context.Options(peer), cancellationToken), "handshake with wrongName");

        Expect.Equal(peer.ExpectVerifyCode, failure.Verify.Code, "verify code");
        Expect.Equal(peer.ExpectVerifyName, failure.Verify.Name, "verify name");
        return failure.Message;
    }

    public static async Task<string> ServerAlertAsync(CaseContext context, CancellationToken cancellationToken)
    {
        var peer = context.Peers.Tls12Only;
        var failure = await Expect.ThrowsAsync<BrokerTlsAuthenticationException>(
            () => CaseContext.ConnectAsync(peer, context.Options(peer, policy: context.Environment.Policies.Tls13Only), cancellationToken),
            "TLS 1.3-only handshake with a TLS 1.2 server");

        Expect.True(failure.Alert is not null, $"no alert in {failure.Message}");
        Expect.Equal(peer.ExpectAlert, failure.Alert!.Code, "alert code");
        Expect.Equal(peer.ExpectAlertName, failure.Alert.Name, "alert name");
        Expect.Equal(false, failure.Alert.Sent, "alert sent by the broker (it should come from the server)");
        return failure.Message;
    }

    public static async Task<string> UnknownPolicyAsync(CaseContext context, CancellationToken cancellationToken)
    {
        var nginx = context.Peers.Nginx;
        var failure = await Expect.ThrowsAsync<BrokerAccessDeniedException>(
            () => CaseContext.ConnectAsync(nginx, context.Options(nginx, policy: context.Environment.Policies.Unknown), cancellationToken),
            "handshake with an unknown policy");

        Expect.Equal(StatusCode.PermissionDenied, failure.StatusCode, "status");
        return failure.Message;
    }

    public static async Task<string> DeadlineSilentServerAsync(CaseContext context, CancellationToken cancellationToken)
    {
        var silent = context.Peers.Silent;
        var options = context.Options(silent);
        options.Timeout = TimeSpan.FromSeconds(1);
        var clock = Stopwatch.StartNew();
        var failure = await Expect.ThrowsAsync<TimeoutException>(
            () => CaseContext.ConnectAsync(silent, options, cancellationToken), "handshake with a silent server");

        Expect.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the timeout took {clock.Elapsed.TotalSeconds:0.0} s");
        return $"{failure.Message} after {clock.Elapsed.TotalSeconds:0.00} s (the call was cancelled, which ends the broker's session)";
    }

    public static async Task<string> BrokerUnreachableAsync(CaseContext context, CancellationToken cancellationToken)
    {
        var nginx = context.Peers.Nginx;
        var failure = await Expect.ThrowsAsync<BrokerUnavailableException>(
            () => CaseContext.ConnectAsync(nginx, context.Options(nginx, context.UnreachableBroker), cancellationToken),
            "handshake through an address where nothing listens");

        return failure.Message;
    }

    public static async Task<string> ResumptionAsync(CaseContext context, CancellationToken cancellationToken)
    {
        var nginx = context.Peers.Nginx;
        var cache = new BrokerTlsSessionCache();
        var resumed = new List<bool>();
        for (var i = 0; i < 2; i++)
        {
            var options = context.Options(nginx);
            options.SessionCache = cache;
            await using var tls = await CaseContext.ConnectAsync(nginx, options, cancellationToken);
            resumed.Add(tls.SessionInfo.Resumed);

            // The TLS 1.3 tickets arrive after the handshake: reading the answer passes them to the broker.
            await CaseContext.GetAsync(tls, nginx, nginx.HelloPath!, cancellationToken);
        }

        Expect.Equal(false, resumed[0], "first connection resumed");
        Expect.Equal(true, resumed[1], "second connection resumed");
        return "first full, second resumed";
    }
}
