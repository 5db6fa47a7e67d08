namespace TlsBroker.Bench;

/// <summary>The ways the bench runs the same TLS work.</summary>
internal enum BenchPathKind
{
    /// <summary>SslStream in the bench process (OpenSSL underneath on Linux).</summary>
    Direct,

    /// <summary>The TlsBroker engine (TlsClientSession) in the bench process, no gRPC.</summary>
    Engine,

    /// <summary>A broker process over gRPC on loopback; the bench forwards socket bytes.</summary>
    Broker,

    /// <summary>
    /// The broker path's handshake, then key export: the broker hands the traffic secrets over and the client library's
    /// own record layer carries the data, the broker no longer on the data path. Throughput only.
    /// </summary>
    Export,
}
