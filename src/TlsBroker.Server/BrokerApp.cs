using TlsBroker.Server.Hosting;

namespace TlsBroker.Server;

/// <summary>
/// The broker as a <see cref="WebApplication"/>: what Program.cs runs, and what tests start
/// in-process on a real Kestrel (<c>--Broker:Port=0</c> takes a free port on 127.0.0.1).
/// </summary>
public static class BrokerApp
{
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
        app.MapTlsBroker();
        return app;
    }

    /// <summary>The gRPC (h2c) address a started broker listens on, e.g. http://127.0.0.1:5001/ (with the real port when 0 was configured).</summary>
    public static Uri GetListeningAddress(WebApplication app) =>
        app.Services.GetRequiredService<BrokerListeners>().GrpcAddress;

    /// <summary>
    /// The admin (HTTP/1.1) address of a started broker, e.g. http://127.0.0.1:5002/, serving
    /// /metrics and /healthz; null when the admin port is off.
    /// </summary>
    public static Uri? GetAdminAddress(WebApplication app) =>
        app.Services.GetRequiredService<BrokerListeners>().AdminAddress;
}
