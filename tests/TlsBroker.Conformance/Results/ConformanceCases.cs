namespace TlsBroker.Conformance.Results;

/// <summary>The case ids of tests/conformance/README.md, in its order: the rows of every results table.</summary>
internal static class ConformanceCases
{
    public static IReadOnlyList<string> All { get; } =
    [
        "handshake_verified",
        "verify_failure",
        "server_alert",
        "unknown_policy",
        "close_notify",
        "no_close_notify",
        "client_closes_first",
        "roundtrip_16m",
        "deadline_silent_server",
        "broker_stopped",
        "broker_unreachable",
        "resumption",
        "https_fetch",
    ];

    /// <summary>The clients of issue 11, in the order the tables show them; others follow by name.</summary>
    public static IReadOnlyList<string> KnownClients { get; } = ["python", "node", "go", "dotnet"];
}
