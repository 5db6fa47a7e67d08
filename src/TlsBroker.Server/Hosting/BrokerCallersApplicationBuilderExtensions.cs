using TlsBroker.Server.Callers;

namespace TlsBroker.Server.Hosting;

public static class BrokerCallersApplicationBuilderExtensions
{
    /// <summary>Names the caller of every BrokerService call (or refuses it), then applies that caller's limits.</summary>
    public static IApplicationBuilder UseTlsBrokerCallers(this IApplicationBuilder app) =>
        app.UseMiddleware<CallerAuthenticationMiddleware>().UseRateLimiter();
}
