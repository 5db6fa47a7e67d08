using System.Diagnostics.CodeAnalysis;

namespace TlsBroker.Server.Configuration;

/// <summary>The checks of <see cref="TelemetryOptions"/>, part of <see cref="BrokerOptionsValidator"/>.</summary>
internal static class TelemetryOptionsValidation
{
    public static void Collect(TelemetryOptions options, string prefix, List<string> problems)
    {
        if (options.OtlpEndpoint.Length > 0 && !TryParseEndpoint(options.OtlpEndpoint, out _))
        {
            problems.Add($"{prefix}OtlpEndpoint '{Mapping.Excerpt.Of(options.OtlpEndpoint)}' is not an absolute http or https URL");
        }

        if (options.OtlpProtocol is not (TelemetryOptions.GrpcProtocol or TelemetryOptions.HttpProtobufProtocol))
        {
            problems.Add($"{prefix}OtlpProtocol '{Mapping.Excerpt.Of(options.OtlpProtocol)}' is not '{TelemetryOptions.GrpcProtocol}' or '{TelemetryOptions.HttpProtobufProtocol}'");
        }
    }

    /// <summary>An absolute http or https URL, the form OTEL_EXPORTER_OTLP_ENDPOINT takes.</summary>
    public static bool TryParseEndpoint(string text, [NotNullWhen(true)] out Uri? endpoint) =>
        Uri.TryCreate(text, UriKind.Absolute, out endpoint) && endpoint.Scheme is "http" or "https";
}
