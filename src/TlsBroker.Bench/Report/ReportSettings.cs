namespace TlsBroker.Bench.Report;

/// <summary>The settings a run used (JSON: "settings").</summary>
internal sealed record ReportSettings
{
    public required IReadOnlyList<string> Paths { get; init; }

    public required IReadOnlyList<string> Phases { get; init; }

    public required IReadOnlyList<string> TlsVersions { get; init; }

    /// <summary>Each --variant as NAME:KEY=VALUE,...</summary>
    public required IReadOnlyList<string> Variants { get; init; }

    /// <summary>--crypto-provider: dotnet or bouncycastle.</summary>
    public required string CryptoProvider { get; init; }

    public required IReadOnlyList<int> Concurrency { get; init; }

    public required int Handshakes { get; init; }

    public required int Warmup { get; init; }

    public required double PhaseTimeoutSeconds { get; init; }

    public required long ThroughputBytes { get; init; }

    public required IReadOnlyList<int> IdleSessions { get; init; }

    public static ReportSettings From(BenchSettings settings) => new()
    {
        Paths = [.. settings.Paths.Select(p => p.Label())],
        Phases = [.. settings.Phases.Select(p => p.ToString().ToLowerInvariant())],
        TlsVersions = [.. settings.TlsVersions.Select(v => v.Label())],
        Variants = [.. settings.Variants.Select(v => $"{v.Name}:{string.Join(',', v.PolicySettings.Select(s => $"{s.Key}={s.Value}"))}")],
        CryptoProvider = settings.CryptoProvider.ToString().ToLowerInvariant(),
        Concurrency = settings.Concurrency,
        Handshakes = settings.Handshakes,
        Warmup = settings.Warmup,
        PhaseTimeoutSeconds = settings.PhaseTimeout.TotalSeconds,
        ThroughputBytes = settings.ThroughputBytes,
        IdleSessions = settings.IdleSessions,
    };
}
