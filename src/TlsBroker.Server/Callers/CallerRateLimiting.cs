using System.Threading.RateLimiting;
using Grpc.Core;
using Microsoft.AspNetCore.RateLimiting;
using TlsBroker.Server.Logging;
using TlsBroker.Server.Mapping;
using TlsBroker.Server.Telemetry;

namespace TlsBroker.Server.Callers;

/// <summary>
/// Per-caller limits with ASP.NET Core's rate limiting, partitioned by <see cref="CallerLimits"/>:
/// a concurrency limiter held for the whole stream (one stream is one session), then a token
/// bucket refilled every second (one token per stream, so per handshake). Calls without limits
/// (anonymous, health, reflection) do not reach the limiter; the broker-wide session limit still applies.
/// </summary>
internal static class CallerRateLimiting
{
    private static readonly CallerLimits Unlimited = new(string.Empty, 0, 0);

    public static void Configure(RateLimiterOptions options)
    {
        options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<HttpContext, CallerLimits>(context => LimitsOf(context) is { } limits
                ? RateLimitPartition.GetConcurrencyLimiter(limits, key => new ConcurrencyLimiterOptions
                {
                    PermitLimit = key.MaxConcurrentSessions,
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter(Unlimited)),
            PartitionedRateLimiter.Create<HttpContext, CallerLimits>(context => LimitsOf(context) is { } limits
                ? RateLimitPartition.GetTokenBucketLimiter(limits, key => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = key.HandshakesPerSecond,
                    TokensPerPeriod = key.HandshakesPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                })
                : RateLimitPartition.GetNoLimiter(Unlimited)));
        options.OnRejected = RejectAsync;
    }

    /// <summary>Whether the call's caller has limits: only such calls go through the rate limiter (<see cref="Hosting.BrokerCallersApplicationBuilderExtensions.UseTlsBrokerCallers"/>).</summary>
    public static bool IsLimited(HttpContext context) => LimitsOf(context) is not null;

    private static CallerLimits? LimitsOf(HttpContext context) => context.Features.Get<Caller>()?.Limits;

    /// <summary>
    /// The chained limiter hands back the lease that failed: only the token bucket's carries a
    /// retry-after, which tells the two limits apart.
    /// </summary>
    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var limits = LimitsOf(rejected.HttpContext)!;
        var reason = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? $"caller '{limits.Caller}' may start {limits.HandshakesPerSecond} sessions per second; retry in {Math.Max(retryAfter.TotalSeconds, 0.001):0.###} s"
            : $"caller '{limits.Caller}' may hold {limits.MaxConcurrentSessions} sessions at once; retry when one has ended";
        var logger = rejected.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(CallerLog.Category);
        CallerLog.CallerLimited(logger, limits.Caller, reason);
        rejected.HttpContext.RequestServices.GetRequiredService<BrokerMetrics>().CallRejected(RejectionReason.Limit);
        await GrpcStatusResponse.WriteAsync(rejected.HttpContext, StatusCode.ResourceExhausted, "limit reached: " + reason);
    }
}
