using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using TlsBroker.Testing;

namespace TlsBroker.Conformance.Tests.Infrastructure;

/// <summary>Plain TLS clients (.NET's SslStream, OpenSSL underneath) that trust only the environment's CA.</summary>
internal static class PeerClients
{
    /// <summary>Verification as a client of the environment does it: the chain up to <paramref name="caFile"/> only, no revocation lists (none exist).</summary>
    public static X509ChainPolicy TrustOnly(string caFile)
    {
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(X509CertificateLoader.LoadCertificateFromFile(caFile));
        return policy;
    }

    public static async Task<SslStream> ConnectAsync(EnvironmentFile environment, string peer, IReadOnlyList<string>? alpn = null)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(environment.Text(peer, "host"), environment.Port(peer)).WaitAsync(TestTimeouts.Step);
        var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = environment.Text(peer, "serverName"),
            CertificateChainPolicy = TrustOnly(environment.CaFile),
            ApplicationProtocols = alpn?.Select(name => new SslApplicationProtocol(name)).ToList(),
        };
        await tls.AuthenticateAsClientAsync(options).WaitAsync(TestTimeouts.Step);
        return tls;
    }

    /// <summary><c>openssl s_client</c> against <paramref name="peer"/> with the CA, plus <paramref name="arguments"/>, fed <paramref name="input"/>.</summary>
    public static Task<(int ExitCode, string Output)> OpenSslClientAsync(EnvironmentFile environment, string peer, string input, params string[] arguments) =>
        BoundedCommand.RunAsync(
            "openssl",
            ["s_client", "-connect", $"{environment.Text(peer, "host")}:{environment.Port(peer)}", "-CAfile", environment.CaFile, .. arguments],
            input);
}
