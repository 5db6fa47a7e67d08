using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Policies;
using TlsBroker.Server.Sessions;
using TlsBroker.Server.Telemetry;

namespace TlsBroker.Server.Hosting;

public static class BrokerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the broker: <see cref="BrokerOptions"/> from the "Broker" section (validated at
    /// start-up), the policy catalog, the session counter, metrics, gRPC with health and reflection,
    /// and Kestrel listening with h2c on <see cref="BrokerOptions.ListenAddress"/>:<see cref="BrokerOptions.Port"/>.
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
        services.TryAddSingleton(provider => new ActiveSessions(
            provider.GetRequiredService<IOptions<BrokerOptions>>(), provider.GetRequiredService<BrokerMetrics>()));
        services.AddHostedService<BrokerStartup>();

        services.AddGrpc();
        services.AddOptions<Grpc.AspNetCore.Server.GrpcServiceOptions>()
            .Configure<IOptions<BrokerOptions>>((grpc, broker) => grpc.MaxReceiveMessageSize = broker.Value.MaxMessageBytes);
        services.AddGrpcHealthChecks().AddCheck("broker", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy());
        services.AddGrpcReflection();

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var broker = kestrel.ApplicationServices.GetRequiredService<IOptions<BrokerOptions>>().Value;
            kestrel.Listen(IPAddress.Parse(broker.ListenAddress), broker.Port, listen => listen.Protocols = HttpProtocols.Http2);
        });
        return builder;
    }
}
