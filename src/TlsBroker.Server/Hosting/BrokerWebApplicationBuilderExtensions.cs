using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using TlsBroker.Server.Callers;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Policies;
using TlsBroker.Server.Resumption;
using TlsBroker.Server.Sessions;
using TlsBroker.Server.Telemetry;

namespace TlsBroker.Server.Hosting;

public static class BrokerWebApplicationBuilderExtensions
{
    /// <summary>.NET's built-in runtime meter: process memory, GC heap sizes, CPU time, thread pool.</summary>
    private const string RuntimeMeterName = "System.Runtime";

    /// <summary>service_name in Prometheus' target_info.</summary>
    private const string ServiceName = "tlsbroker";

    /// <summary>
    /// Registers the broker: <see cref="BrokerOptions"/> from the "Broker" section (validated at
    /// start-up), the policy catalog, the session counter, metrics (exported for Prometheus), gRPC
    /// with health and reflection, and Kestrel listening with h2c on
    /// <see cref="BrokerOptions.ListenAddress"/>:<see cref="BrokerOptions.Port"/> and with HTTP/1.1
    /// on <see cref="BrokerOptions.AdminPort"/>.
    /// </summary>
    public static WebApplicationBuilder AddTlsBroker(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<BrokerOptions>()
            .Bind(builder.Configuration.GetSection(BrokerOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BrokerOptions>, BrokerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<BrokerMetrics>();
        services.TryAddSingleton<PolicyCatalog>();
        services.TryAddSingleton<ResumptionTokens>();
        services.TryAddSingleton(provider => new ActiveSessions(
            provider.GetRequiredService<IOptions<BrokerOptions>>(), provider.GetRequiredService<BrokerMetrics>()));
        services.TryAddSingleton<BrokerListeners>();
        services.TryAddSingleton<CallerDirectory>();
        services.AddRateLimiter(CallerRateLimiting.Configure);
        services.AddHostedService<BrokerStartup>();
        services.AddHostedService<CallerStartup>();
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics => metrics
                .AddMeter(BrokerMetrics.MeterName, RuntimeMeterName)

                // Every scrape sees the figures of that moment (the bench scrapes right after it acts).
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));

        services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = ReadUnvalidated(builder.Configuration).MaxMessageBytes);
        services.AddGrpcHealthChecks().AddCheck<SessionCapacityHealthCheck>("broker");
        services.AddGrpcReflection();

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var broker = ReadUnvalidated(context.Configuration);

            var listeners = kestrel.ApplicationServices.GetRequiredService<BrokerListeners>();

            // When any is invalid, start-up validation stops the host before Kestrel binds anything.
            if (IPAddress.TryParse(broker.ListenAddress, out var address) && broker.Port is >= 0 and <= IPEndPoint.MaxPort)
            {
                listeners.ListenGrpc(kestrel, address, broker.Port, broker.Tls);
                if (broker.AdminPort is >= 0 and <= IPEndPoint.MaxPort)
                {
                    listeners.ListenAdmin(kestrel, address, broker.AdminPort);
                }
            }
        });
        return builder;
    }

    /// <summary>
    /// Kestrel and gRPC read their settings while the app is built, before start-up validation
    /// runs; they get the bound values unvalidated, and the host then refuses to start (before
    /// Kestrel binds) if any of them is out of range.
    /// </summary>
    private static BrokerOptions ReadUnvalidated(IConfiguration configuration) =>
        configuration.GetSection(BrokerOptions.SectionName).Get<BrokerOptions>() ?? new BrokerOptions();
}
