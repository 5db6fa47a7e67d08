using System.Net;
using TlsBroker.Bench.Phases;
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

    /// <summary>How long each measured phase runs (a handshake phase, or a path's transfers in one direction).</summary>
    public TimeSpan Duration { get; init; } = DefaultDuration;

    /// <summary>
    /// Long enough that the figures of a phase are not a few hundred handshakes: phases of 200
    /// handshakes lasted 0.4–2 s and their ratios did not reproduce from one run to the next (issue 13).
    /// </summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(3);

    /// <summary>A fixed count of handshakes per phase instead of <see cref="Duration"/> (quick checks); null runs for the duration.</summary>
    public int? Handshakes { get; init; }

    /// <summary>Runs of every row; the report gives the median and the spread.</summary>
    public int Repeats { get; init; } = DefaultRepeats;

    public const int DefaultRepeats = 3;

    /// <summary>
    /// The longest warm-up per path and TLS version (and per path before the throughput phase): it
    /// ends sooner, once the JIT counters of the bench and the broker stand still; zero turns it off.
    /// </summary>
    public TimeSpan Warmup { get; init; } = DefaultWarmup;

    /// <summary>
    /// A bound, not a length: on a quiet 2-core machine most paths settle in 3-25 s, but the broker path's
    /// TLS 1.3 warm-up (the first to run in the broker) took 28-30 s and reached a 30 s bound in one of three
    /// default runs; a loaded or slower machine takes longer still, and the report says when a warm-up
    /// ended here rather than because the JIT settled.
    /// </summary>
    public static readonly TimeSpan DefaultWarmup = TimeSpan.FromSeconds(60);

    /// <summary>The length of every measured handshake phase.</summary>
    public PhaseLength HandshakeLength => Handshakes is { } count ? PhaseLength.Of(count) : PhaseLength.For(Duration);

    /// <summary>Limit for every phase; a phase that reaches it stops and reports what it completed.</summary>
    public TimeSpan PhaseTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public IReadOnlyList<int> Concurrency { get; init; } = [1, 8, 64];

    public IReadOnlyList<BenchTlsVersion> TlsVersions { get; init; } = [BenchTlsVersion.Tls13, BenchTlsVersion.Tls12];

    /// <summary>The paths to run; the export path runs the throughput phase only.</summary>
    public IReadOnlyList<BenchPathKind> Paths { get; init; } = [BenchPathKind.Direct, BenchPathKind.Engine, BenchPathKind.Broker, BenchPathKind.Export];

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
