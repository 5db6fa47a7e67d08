using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using TlsBroker.Server.Audit;
using TlsBroker.Server.Callers;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Reload;
using TlsBroker.Server.Sessions;
using TlsBroker.Server.Telemetry;

namespace TlsBroker.Server.Hosting;

public static class BrokerWebApplicationBuilderExtensions
{
    /// <summary>.NET's built-in runtime meter: process memory, GC heap sizes, CPU time, thread pool.</summary>
    private const string RuntimeMeterName = "System.Runtime";

    /// <summary>What the host's shutdown allows beyond the drain time: the ended streams' statuses and Kestrel's own stop.</summary>
    private static readonly TimeSpan HostShutdownMargin = TimeSpan.FromSeconds(10);

    /// <summary>The service name grpc.health.v1 answers for besides "" (the whole server).</summary>
    private const string BrokerServiceName = "tlsbroker.v1.BrokerService";

    /// <summary>service_name in Prometheus' target_info.</summary>
    private const string ServiceName = "tlsbroker";

    /// <summary>The command-line option (<c>--config FILE</c>) and environment variable naming the operator's own JSON configuration file.</summary>
    public const string ConfigFileKey = "config";

    public const string ConfigFileVariable = "TLSBROKER_CONFIG";

    /// <summary>
    /// Registers the broker: <see cref="BrokerOptions"/> from the "Broker" section (validated at
    /// start-up and on every reload; <see cref="IOptionsMonitor{TOptions}"/> serves the configuration in force),
    /// the operator's configuration file (<c>--config FILE</c> or <c>TLSBROKER_CONFIG</c>, reloaded on change),
    /// the live configuration and its reloader, the audit log, the session counter, metrics (exported for Prometheus), gRPC
    /// with health and reflection, and Kestrel (its sockets served from <see cref="TransportMemoryPool"/>) listening with h2c on
    /// <see cref="BrokerOptions.ListenAddress"/>:<see cref="BrokerOptions.Port"/> and with HTTP/1.1
    /// on <see cref="BrokerOptions.AdminPort"/>.
    /// </summary>
    public static WebApplicationBuilder AddTlsBroker(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var fileProblems = new ConfigFileProblems();
        AddOperatorConfigFile(builder.Configuration, fileProblems);
        fileProblems.Track(builder.Configuration);
        services.AddSingleton(fileProblems);

        services.AddOptions<BrokerOptions>()
            .Bind(builder.Configuration.GetSection(BrokerOptions.SectionName));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BrokerOptions>, BrokerOptionsValidator>());
        services.TryAddSingleton<LiveConfiguration>();
        services.AddSingleton<IOptionsMonitor<BrokerOptions>, LiveOptionsMonitor>();
        services.TryAddSingleton(TimeProvider.System);

        // Replaces Kestrel's own factory, which the web host registered before this runs.
        services.AddSingleton<IMemoryPoolFactory<byte>, TransportMemoryPoolFactory>();
        services.AddMetrics();
        services.TryAddSingleton<BrokerMetrics>();
        services.TryAddSingleton<SessionAuditor>();
        services.TryAddSingleton(provider => new ActiveSessions(
            provider.GetRequiredService<IOptionsMonitor<BrokerOptions>>(), provider.GetRequiredService<BrokerMetrics>()));
        services.TryAddSingleton<BrokerListeners>();
        services.TryAddSingleton<BrokerDrain>();
        services.TryAddSingleton<CallerDirectory>();
        services.AddRateLimiter(CallerRateLimiting.Configure);
        services.AddHostedService<BrokerStartup>();
        services.AddHostedService<BrokerReadyFile>();
        services.AddHostedService<ConfigurationReloader>();

        // Drains in StoppingAsync, which runs before Kestrel's StopAsync: Kestrel serves on meanwhile.
        services.AddHostedService(provider => provider.GetRequiredService<BrokerDrain>());
        services.Configure<HostOptions>(host => host.ShutdownTimeout =
            (UnvalidatedOptions.TryRead(builder.Configuration) ?? new BrokerOptions()).DrainTimeout + HostShutdownMargin);
        services.AddHostedService<CallerStartup>();
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics => metrics
                .AddMeter(BrokerMetrics.MeterName, RuntimeMeterName)

                // Prometheus reserves "_count" for histograms and summaries (promtool check metrics):
                // the runtime meter's three gauges ending in ".count" are exported under other names.
                .AddView("dotnet.assembly.count", "dotnet.assemblies.loaded")
                .AddView("dotnet.process.cpu.count", "dotnet.process.cpus")
                .AddView("dotnet.timer.count", "dotnet.timers.active")

                // Every scrape sees the figures of that moment (the bench scrapes right after it acts).
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0))
            .WithSessionTraces(builder.Configuration);

        services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = (UnvalidatedOptions.TryRead(builder.Configuration) ?? new BrokerOptions()).MaxMessageBytes);
        services.AddGrpcHealthChecks(health => health.Services.Map(BrokerServiceName, _ => true)).AddCheck<ReadinessHealthCheck>("broker");
        services.AddGrpcReflection();

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var broker = UnvalidatedOptions.TryRead(context.Configuration);
            var listeners = kestrel.ApplicationServices.GetRequiredService<BrokerListeners>();

            // When any is invalid, start-up validation stops the host before Kestrel binds anything.
            if (broker is not null && IPAddress.TryParse(broker.ListenAddress, out var address) && broker.Port is >= 0 and <= IPEndPoint.MaxPort)
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
    /// Adds the operator's JSON file after appsettings.json (so it overrides it) and before environment
    /// variables and arguments (which override it), reloaded when it changes. Relative to the working directory.
    /// </summary>
    private static void AddOperatorConfigFile(ConfigurationManager configuration, ConfigFileProblems fileProblems)
    {
        var path = configuration[ConfigFileKey] ?? configuration[ConfigFileVariable];
        if (string.IsNullOrWhiteSpace(path))
        {
            return;
        }

        var fullPath = Path.GetFullPath(path);
        fileProblems.Require(fullPath);

        // Optional to the provider: a missing file is reported with every other problem by ConfigFileProblems instead of thrown here.
        var source = new JsonConfigurationSource
        {
            Path = fullPath,
            Optional = true,
            ReloadOnChange = true,
            OnLoadException = fileProblems.OnLoadException,
        };
        source.ResolveFileProvider();
        var sources = configuration.Sources;
        var afterAppSettings = sources.Select((item, index) => (item, index)).LastOrDefault(entry => entry.item is JsonConfigurationSource).index + 1;
        sources.Insert(afterAppSettings, source);
    }
}
