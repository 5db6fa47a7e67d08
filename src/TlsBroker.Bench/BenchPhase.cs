namespace TlsBroker.Bench;

/// <summary>The parts of a bench run, selected with --phases.</summary>
internal enum BenchPhase
{
    /// <summary>Full handshakes per path, TLS version and concurrency.</summary>
    Handshakes,

    /// <summary>Download and upload through each path (needs --local-server).</summary>
    Throughput,

    /// <summary>Broker memory per idle established session (needs --local-server and the broker path).</summary>
    Idle,
}
