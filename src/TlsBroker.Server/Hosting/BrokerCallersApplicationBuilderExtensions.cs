using TlsBroker.Server.Callers;

namespace TlsBroker.Server.Hosting;

public static class BrokerCallersApplicationBuilderExtensions
{
    /// <summary>
    /// Names the caller of every BrokerService call (or refuses it), then applies that caller's limits. A call whose caller
    /// has none (anonymous) bypasses the rate limiter, which would hold its lease, and an async frame of its middleware, for the stream's lifetime.
    /// </summary>
    public static IApplicationBuilder UseTlsBrokerCallers(this IApplicationBuilder app) =>
        app.UseMiddleware<CallerAuthenticationMiddleware>().UseWhen(CallerRateLimiting.IsLimited, limited => limited.UseRateLimiter());
}
