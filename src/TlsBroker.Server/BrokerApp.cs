using Microsoft.Extensions.Options;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Hosting;

namespace TlsBroker.Server;

/// <summary>
/// The broker as a <see cref="WebApplication"/>: what Program.cs runs, and what tests start
/// in-process on a real Kestrel (<c>--Broker:Port=0</c> takes a free port on 127.0.0.1).
/// </summary>
public static class BrokerApp
{
    /// <summary>The exit code when the configuration is invalid (each problem is printed on its own line to stderr).</summary>
    public const int InvalidConfigurationExitCode = 2;

    /// <summary>
    /// Runs the broker until it is stopped. Invalid configuration is reported as one line per
    /// problem on stderr and <see cref="InvalidConfigurationExitCode"/>: it is checked before the
    /// host starts, so that no stack trace buries the reason.
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        await using var app = Create(args);
        try
        {
            _ = app.Services.GetRequiredService<IOptions<BrokerOptions>>().Value;
        }
        catch (OptionsValidationException invalid)
        {
            foreach (var failure in invalid.Failures)
            {
                await Console.Error.WriteLineAsync($"TlsBroker cannot start: {failure}");
            }

            return InvalidConfigurationExitCode;
        }

        await app.RunAsync();
        return 0;
    }

    /// <summary>
    /// Builds the broker from <paramref name="args"/> (standard ASP.NET Core configuration:
    /// appsettings.json next to the binary, <c>Broker__*</c> environment variables, <c>--Broker:*</c>
    /// arguments). <paramref name="configure"/> runs after the broker's registrations, so it can add
    /// configuration or replace services (e.g. the <see cref="TimeProvider"/>).
    /// </summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.AddTlsBroker();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseTlsBrokerAdmin();
        app.UseTlsBrokerCallers();
        app.MapTlsBroker();
        return app;
    }

    /// <summary>The gRPC address a started broker listens on, e.g. http://127.0.0.1:5001/ (https with Broker:Tls; with the real port when 0 was configured).</summary>
    public static Uri GetListeningAddress(WebApplication app) =>
        app.Services.GetRequiredService<BrokerListeners>().GrpcAddress;

    /// <summary>
    /// The admin (HTTP/1.1) address of a started broker, e.g. http://127.0.0.1:5002/, serving
    /// /metrics and /healthz; null when the admin port is off.
    /// </summary>
    public static Uri? GetAdminAddress(WebApplication app) =>
        app.Services.GetRequiredService<BrokerListeners>().AdminAddress;
}
