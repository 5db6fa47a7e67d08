namespace TlsBroker.Bench.Report;

/// <summary>What the bench ran against (JSON: "target").</summary>
internal sealed record ReportTarget
{
    /// <summary>HOST:PORT as connected (the resolved address).</summary>
    public required string Server { get; init; }

    public required string ServerName { get; init; }

    public required bool LocalServer { get; init; }

    /// <summary>The broker's gRPC address.</summary>
    public string? Broker { get; init; }

    /// <summary>The broker's admin address (/metrics), when known (its managed heap is then measured).</summary>
    public string? BrokerAdmin { get; init; }

    /// <summary>True when the bench started the broker itself.</summary>
    public required bool BrokerStartedByBench { get; init; }

    /// <summary>The broker's process id, when known (its CPU and memory are then measured).</summary>
    public int? BrokerPid { get; init; }
}
