namespace TlsBroker.Server.Configuration;

/// <summary>
/// Where the broker sends its session traces (OTLP). Section <c>Broker:Telemetry</c>. Read at start-up:
/// a reload does not change it. Without an endpoint here, the standard OpenTelemetry environment
/// variables still turn the export on (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or
/// <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>, with <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> and the other
/// <c>OTEL_*</c> settings); with neither, no span is recorded at all.
/// </summary>
public sealed class TelemetryOptions
{
    public const string GrpcProtocol = "grpc";

    public const string HttpProtobufProtocol = "http/protobuf";

    /// <summary>
    /// The OTLP receiver's base URL (http or https), as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> takes it:
    /// e.g. <c>http://127.0.0.1:4317</c> for gRPC, <c>http://127.0.0.1:4318</c> for HTTP (the broker
    /// then posts to <c>/v1/traces</c> under it). Default empty: no export unless the environment asks for one.
    /// </summary>
    public string OtlpEndpoint { get; set; } = string.Empty;

    /// <summary>"grpc" (default) or "http/protobuf", the values of <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>. Used with <see cref="OtlpEndpoint"/>.</summary>
    public string OtlpProtocol { get; set; } = GrpcProtocol;
}
