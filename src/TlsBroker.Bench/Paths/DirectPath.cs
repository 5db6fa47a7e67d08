using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace TlsBroker.Bench.Paths;

/// <summary>
/// What a .NET user would do instead of the broker: <see cref="SslStream"/> in the bench process,
/// verifying the chain against the bench's trust anchors and the certificate against the server name.
/// Resumption is off so that every handshake is a full one.
/// </summary>
internal sealed class DirectPath : IBenchPath
{
    private readonly string serverName;
    private readonly X509Certificate2Collection? trustAnchors;

    /// <param name="trustAnchors">Custom roots (X509ChainTrustMode.CustomRootTrust); null uses the system store.</param>
    public DirectPath(string serverName, X509Certificate2Collection? trustAnchors)
    {
        this.serverName = serverName;
        this.trustAnchors = trustAnchors;
    }

    public BenchPathKind Kind => BenchPathKind.Direct;

    public BenchVariant Variant => BenchVariant.Base;

    public CpuClock Clock { get; } = new(null, null);

    public async Task<IBenchConnection> HandshakeAsync(Socket connected, BenchTlsVersion version, CancellationToken cancellationToken)
    {
        var tls = new SslStream(new NetworkStream(connected, ownsSocket: true));
        try
        {
            await tls.AuthenticateAsClientAsync(Options(version), cancellationToken);
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }

        return new StreamConnection(tls, _ => tls.ShutdownAsync());
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private SslClientAuthenticationOptions Options(BenchTlsVersion version)
    {
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            EnabledSslProtocols = version.ToSslProtocols(),
            AllowTlsResume = false,
        };
        if (trustAnchors is not null)
        {
            var chainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            chainPolicy.CustomTrustStore.AddRange(trustAnchors);
            options.CertificateChainPolicy = chainPolicy;
        }

        return options;
    }
}
