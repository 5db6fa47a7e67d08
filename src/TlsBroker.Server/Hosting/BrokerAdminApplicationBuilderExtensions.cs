using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace TlsBroker.Server.Hosting;

public static class BrokerAdminApplicationBuilderExtensions
{
    /// <summary>
    /// Serves <c>/metrics</c> (Prometheus text), <c>/healthz</c> (the same checks as grpc.health.v1:
    /// readiness) and <c>/livez</c> (no check: the process answers) on the admin port only; every
    /// other request there is 404, and none of these paths exists on the gRPC port.
    /// </summary>
    public static IApplicationBuilder UseTlsBrokerAdmin(this IApplicationBuilder app)
    {
        var listeners = app.ApplicationServices.GetRequiredService<BrokerListeners>();
        return app.MapWhen(listeners.IsAdminConnection, admin =>
        {
            admin.UseOpenTelemetryPrometheusScrapingEndpoint("/metrics");
            admin.UseHealthChecks("/healthz");
            admin.UseHealthChecks("/livez", new HealthCheckOptions { Predicate = _ => false });
        });
    }
}
