namespace TlsBroker.Bench;

/// <summary>Which part of a bench run could not be set up; the CLI turns each into its exit code.</summary>
internal enum BenchSetupFailure
{
    /// <summary>The settings cannot be used (unreadable trust anchors, a variant's bad policy setting, an unknown broker pid).</summary>
    Usage,

    /// <summary>The target server cannot be resolved or reached, or bench-server could not start.</summary>
    ServerUnreachable,

    /// <summary>The broker could not be started or reached, or answered with a gRPC error.</summary>
    BrokerError,

    /// <summary>A TLS handshake failed before the phases (e.g. the certificate is not trusted).</summary>
    TlsFailure,

    /// <summary>A handshake before the phases took longer than the phase time limit.</summary>
    Timeout,
}
