namespace TlsBroker.Server.Hosting;

public static class BrokerAdminApplicationBuilderExtensions
{
    /// <summary>
    /// Serves <c>/metrics</c> (Prometheus text) and <c>/healthz</c> (the same checks as
    /// grpc.health.v1) on the admin port only; every other request there is 404, and neither
    /// path exists on the gRPC port.
    /// </summary>
    public static IApplicationBuilder UseTlsBrokerAdmin(this IApplicationBuilder app)
    {
        var listeners = app.ApplicationServices.GetRequiredService<BrokerListeners>();
        return app.MapWhen(listeners.IsAdminConnection, admin =>
        {
            admin.UseOpenTelemetryPrometheusScrapingEndpoint("/metrics");
            admin.UseHealthChecks("/healthz");
        });
    }
}
