using System.Net.Sockets;

namespace TlsBroker.Bench.Paths;

/// <summary>One way to run a TLS client: over a TCP connection the bench has opened, it completes a verified full handshake.</summary>
internal interface IBenchPath : IAsyncDisposable
{
    BenchPathKind Kind { get; }

    /// <summary>The policy settings this path runs under (engine and broker); the base variant otherwise.</summary>
    BenchVariant Variant { get; }

    /// <summary>How the report names the path: "engine", or "engine/NAME" under a variant.</summary>
    string Label => Variant.IsBase ? Kind.Label() : $"{Kind.Label()}/{Variant.Name}";

    /// <summary>What its handshakes are (JSON "kind"): "full", or "resumed" for a path that resumes the previous session.</summary>
    string HandshakeKind => "full";

    /// <summary>The processes whose CPU time a phase on this path counts.</summary>
    CpuClock Clock { get; }

    /// <summary>
    /// Runs the handshake over <paramref name="connected"/>, which the returned connection then owns
    /// (on failure the caller still owns and disposes it). A TLS failure throws.
    /// </summary>
    Task<IBenchConnection> HandshakeAsync(Socket connected, BenchTlsVersion version, CancellationToken cancellationToken);
}
