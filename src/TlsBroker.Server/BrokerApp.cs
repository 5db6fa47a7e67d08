using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
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
        app.MapTlsBroker();
        return app;
    }

    /// <summary>The address a started broker listens on, e.g. http://127.0.0.1:5001 (with the real port when 0 was configured).</summary>
    public static Uri GetListeningAddress(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        return new Uri(addresses.First());
    }
}
