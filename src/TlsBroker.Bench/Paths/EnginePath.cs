using System.Net.Sockets;
using TlsBroker.Core.Crypto;
using TlsBroker.Core.Engine;
using TlsBroker.Core.Policy;

namespace TlsBroker.Bench.Paths;

/// <summary>
/// The broker's own TLS cost without gRPC: a <see cref="TlsClientSession"/> per handshake in the
/// bench process, with a policy per TLS version that trusts the same anchors as the other paths.
/// </summary>
internal sealed class EnginePath : IBenchPath
{
    private readonly string serverName;
    private readonly Dictionary<BenchTlsVersion, TlsPolicy> policies;
    private readonly TlsCryptoProvider cryptoProvider;

    /// <param name="trustAnchors">"system" or a PEM path, as TlsPolicyOptions.TrustAnchors takes it.</param>
    /// <exception cref="PolicyConfigurationException">The variant's settings make no valid policy.</exception>
    public EnginePath(string serverName, string trustAnchors, BenchVariant variant, TlsCryptoProvider cryptoProvider)
    {
        this.serverName = serverName;
        this.cryptoProvider = cryptoProvider;
        Variant = variant;
        policies = Enum.GetValues<BenchTlsVersion>().ToDictionary(
            version => version,
            version => TlsPolicy.Create(variant.BrokerPolicy(version), variant.PolicyOptions(version, trustAnchors)));
    }

    public BenchPathKind Kind => BenchPathKind.Engine;

    public BenchVariant Variant { get; }

    public CpuClock Clock { get; } = new(null, null);

    public async Task<IBenchConnection> HandshakeAsync(Socket connected, BenchTlsVersion version, CancellationToken cancellationToken)
    {
        var connection = new EngineConnection(connected, new TlsClientSession(policies[version], TimeProvider.System, cryptoProvider));
        try
        {
            await connection.HandshakeAsync(new SessionStart(serverName, []), cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        return connection;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
