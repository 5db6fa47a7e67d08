using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TlsBroker.Server.Sessions;

/// <summary>
/// grpc.health.v1 "broker" status: healthy while sessions can be started, degraded (still
/// SERVING for gRPC health) when every slot is taken, so dashboards see saturation.
/// </summary>
internal sealed class SessionCapacityHealthCheck(ActiveSessions sessions) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["sessions"] = sessions.Count, ["limit"] = sessions.Limit };
        var result = sessions.Count < sessions.Limit
            ? HealthCheckResult.Healthy("sessions can be started", data)
            : HealthCheckResult.Degraded("session limit reached", data: data);
        return Task.FromResult(result);
    }
}
