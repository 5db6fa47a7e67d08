namespace TlsBroker.Bench.Phases;

/// <summary>Broker memory per idle established session (JSON: an element of "idleSessions"; README documents every field).</summary>
internal sealed record IdleSessionFigures
{
    /// <summary>The --variant the broker path ran under; null for the base policies.</summary>
    public string? Variant { get; init; }

    public required int Sessions { get; init; }

    /// <summary>Sessions whose handshake completed and that were then held open at once.</summary>
    public required int Opened { get; init; }

    public required int Failed { get; init; }

    public string? FirstFailure { get; init; }

    /// <summary>Opened sessions that afterwards echoed one byte through the broker.</summary>
    public required int Usable { get; init; }

    public required double OpenSeconds { get; init; }

    /// <summary>Broker VmRSS before the sessions were opened; null when the broker process is unknown.</summary>
    public long? BrokerRssBeforeBytes { get; init; }

    /// <summary>Broker VmRSS with all sessions open and idle.</summary>
    public long? BrokerRssAfterBytes { get; init; }

    /// <summary>(after − before) / opened.</summary>
    public long? RssBytesPerSession { get; init; }

    /// <summary>Broker managed heap (as its last GC left it, from admin /metrics) before the sessions were opened; null when the admin address is unknown.</summary>
    public long? BrokerHeapBeforeBytes { get; init; }

    /// <summary>Broker managed heap with all sessions open and idle.</summary>
    public long? BrokerHeapAfterBytes { get; init; }

    /// <summary>(heap after − heap before) / opened.</summary>
    public long? ManagedHeapBytesPerSession { get; init; }

    /// <summary>
    /// What carried the TLS bytes between the bench's clients and their peers: "tcp" (to bench-server), or
    /// "in-memory" (peers inside the bench, when the open-file limit is too low for that many TCP connections).
    /// The broker's side of a session is a gRPC stream either way. Null when skipped.
    /// </summary>
    public string? PeerTransport { get; init; }

    /// <summary>Why the peers were in-memory (the open-file shortfall); null over TCP.</summary>
    public string? PeerTransportReason { get; init; }

    /// <summary>The loopback addresses the TCP connections were bound to, in turn; empty when one address (the kernel's choice) was enough.</summary>
    public IReadOnlyList<string> SourceAddresses { get; init; } = [];

    /// <summary>Why the measurement did not run (e.g. the open-file limit is too low); null when it ran.</summary>
    public string? SkippedReason { get; init; }
}
