using System.Net;
using TlsBroker.Core.Crypto;

namespace TlsBroker.Bench;

/// <summary>Everything <c>tlsbroker bench</c> was asked to do, validated by <see cref="BenchCommand"/>.</summary>
internal sealed record BenchSettings
{
    /// <summary>The target server; null with <see cref="LocalServer"/>, which starts bench-server and targets it.</summary>
    public DnsEndPoint? Server { get; init; }

    public bool LocalServer { get; init; }

    /// <summary>Sent as SNI and verified by every path; HOST by default, "localhost" with --local-server.</summary>
    public string? ServerName { get; init; }

    /// <summary>PEM trust anchors for a HOST:PORT target; null trusts the system store. Ignored with --local-server.</summary>
    public FileInfo? Trust { get; init; }

    /// <summary>Handshakes per phase (one path, one TLS version, one concurrency).</summary>
    public int Handshakes { get; init; } = 200;

    /// <summary>
    /// Measured on a quiet 2-core machine: below about a thousand handshakes the JIT is still
    /// recompiling the TLS stack, in the bench and in the broker it started.
    /// </summary>
    public const int DefaultWarmup = 2000;

    /// <summary>Unmeasured handshakes per path and TLS version before its phases (JIT, connection set-up).</summary>
    public int Warmup { get; init; } = DefaultWarmup;

    /// <summary>Limit for every phase; a phase that reaches it stops and reports what it completed.</summary>
    public TimeSpan PhaseTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public IReadOnlyList<int> Concurrency { get; init; } = [1, 8, 64];

    public IReadOnlyList<BenchTlsVersion> TlsVersions { get; init; } = [BenchTlsVersion.Tls13, BenchTlsVersion.Tls12];

    public IReadOnlyList<BenchPathKind> Paths { get; init; } = [BenchPathKind.Direct, BenchPathKind.Engine, BenchPathKind.Broker];

    public IReadOnlyList<BenchPhase> Phases { get; init; } = [BenchPhase.Handshakes, BenchPhase.Throughput, BenchPhase.Idle];

    /// <summary>Policy settings under which the engine and broker paths run once more each (--variant).</summary>
    public IReadOnlyList<BenchVariant> Variants { get; init; } = [];

    /// <summary>Whose cryptography the engine path and the broker the bench starts run on (--crypto-provider).</summary>
    public TlsCryptoProvider CryptoProvider { get; init; } = TlsCryptoProvider.DotNet;

    /// <summary>The base variant, then <see cref="Variants"/>.</summary>
    public IEnumerable<BenchVariant> AllVariants => Variants.Prepend(BenchVariant.Base);

    /// <summary>Bytes downloaded and uploaded per path in the throughput phase.</summary>
    public long ThroughputBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Numbers of idle sessions held open at once through the broker, one measurement each.</summary>
    public IReadOnlyList<int> IdleSessions { get; init; } = [1000];

    /// <summary>An already running broker to use instead of starting one; null starts a child broker.</summary>
    public Uri? Broker { get; init; }

    /// <summary>The process id of <see cref="Broker"/>, so that its CPU and memory can be read.</summary>
    public int? BrokerPid { get; init; }

    /// <summary>The admin address (/metrics) of <see cref="Broker"/>, so that its managed heap can be read.</summary>
    public Uri? BrokerAdmin { get; init; }

    public FileInfo? Json { get; init; }

    public string EffectiveServerName => ServerName ?? (LocalServer ? Bench.Server.BenchCertificateChain.LeafDnsName : Server!.Host);
}
