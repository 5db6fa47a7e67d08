using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Telemetry;

namespace TlsBroker.Server.Hosting;

/// <summary>
/// Session traces (<see cref="SessionTracing"/>) exported with OTLP when <see cref="TelemetryOptions.OtlpEndpoint"/>
/// or the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> / <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> is set; otherwise no
/// tracer provider exists and the activity source has no listener, so sessions create no span.
/// </summary>
internal static class BrokerTracing
{
    private const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    private const string TracesEndpointVariable = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";

    /// <summary>The OTLP/HTTP path for traces, which OTEL_EXPORTER_OTLP_ENDPOINT appends too (OTLP specification, "OTLP/HTTP Request").</summary>
    private const string HttpTracesPath = "v1/traces";

    public static OpenTelemetryBuilder WithSessionTraces(this OpenTelemetryBuilder openTelemetry, IConfiguration configuration)
    {
        var telemetry = (UnvalidatedOptions.TryRead(configuration) ?? new BrokerOptions()).Telemetry;
        var fromEnvironment = !string.IsNullOrWhiteSpace(configuration[EndpointVariable]) || !string.IsNullOrWhiteSpace(configuration[TracesEndpointVariable]);
        if (telemetry.OtlpEndpoint.Length == 0 && !fromEnvironment)
        {
            return openTelemetry;
        }

        return openTelemetry.WithTracing(tracing => tracing
            .AddSource(SessionTracing.SourceName)
            .AddOtlpExporter(otlp => Configure(otlp, telemetry)));
    }

    /// <summary>Only the Broker section's endpoint is applied here; without it the exporter reads the OTEL_* variables itself.</summary>
    private static void Configure(OtlpExporterOptions otlp, TelemetryOptions telemetry)
    {
        // An invalid endpoint is left alone: start-up validation reports it with every other problem.
        if (!TelemetryOptionsValidation.TryParseEndpoint(telemetry.OtlpEndpoint, out var endpoint))
        {
            return;
        }

        if (telemetry.OtlpProtocol == TelemetryOptions.HttpProtobufProtocol)
        {
            otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
            otlp.Endpoint = new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + HttpTracesPath);
        }
        else
        {
            otlp.Protocol = OtlpExportProtocol.Grpc;
            otlp.Endpoint = endpoint;
        }
    }
}
