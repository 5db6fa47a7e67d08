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

    /// <summary>--handshakes: a fixed count per phase; null when phases ran for <see cref="DurationSeconds"/>.</summary>
    public required int? Handshakes { get; init; }

    public required double DurationSeconds { get; init; }

    public required int Repeats { get; init; }

    /// <summary>The longest warm-up per path and TLS version (--warmup), in seconds.</summary>
    public required double WarmupSeconds { get; init; }

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
        DurationSeconds = settings.Duration.TotalSeconds,
        Repeats = settings.Repeats,
        WarmupSeconds = settings.Warmup.TotalSeconds,
        PhaseTimeoutSeconds = settings.PhaseTimeout.TotalSeconds,
        ThroughputBytes = settings.ThroughputBytes,
        IdleSessions = settings.IdleSessions,
    };
}
