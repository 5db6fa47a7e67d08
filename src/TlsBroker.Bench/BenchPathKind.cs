namespace TlsBroker.Bench;

/// <summary>The three ways the bench runs the same TLS work.</summary>
internal enum BenchPathKind
{
    /// <summary>SslStream in the bench process (OpenSSL underneath on Linux).</summary>
    Direct,

    /// <summary>The TlsBroker engine (TlsClientSession) in the bench process, no gRPC.</summary>
    Engine,

    /// <summary>A broker process over gRPC on loopback; the bench forwards socket bytes.</summary>
    Broker,
}
