using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Policies;
using TlsBroker.Server.Sessions;
using TlsBroker.Server.Telemetry;

namespace TlsBroker.Server.Hosting;

public static class BrokerWebApplicationBuilderExtensions
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

        services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = ReadUnvalidated(builder.Configuration).MaxMessageBytes);
        services.AddGrpcHealthChecks().AddCheck<SessionCapacityHealthCheck>("broker");
        services.AddGrpcReflection();

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var broker = ReadUnvalidated(context.Configuration);

            // When either is invalid, start-up validation stops the host before Kestrel binds anything.
            if (IPAddress.TryParse(broker.ListenAddress, out var address) && broker.Port is >= 0 and <= IPEndPoint.MaxPort)
            {
                kestrel.Listen(address, broker.Port, listen => listen.Protocols = HttpProtocols.Http2);
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
