using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TlsBroker.Server.Sessions;

/// <summary>
/// Whether this replica can start a session: healthy while a slot is free, unhealthy when every
/// slot is taken, so that grpc.health.v1 answers NOT_SERVING (for "" and for tlsbroker.v1.BrokerService)
/// and /healthz 503, and balancers and readiness probes send new streams to another replica.
/// A draining broker (<see cref="BrokerDrain"/>) is unhealthy too. Liveness is /livez, which runs no
/// check: a full or draining broker is busy, not broken.
/// </summary>
internal sealed class ReadinessHealthCheck(ActiveSessions sessions, BrokerDrain drain) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["sessions"] = sessions.Count, ["limit"] = sessions.Limit };
        if (drain.IsDraining)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("broker is shutting down", data: data));
        }

        var result = sessions.Count < sessions.Limit
            ? HealthCheckResult.Healthy("sessions can be started", data)
            : HealthCheckResult.Unhealthy("session limit reached", data: data);
        return Task.FromResult(result);
    }
}
