using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Hosting;
using TlsBroker.Server.Reload;

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
        app.UseTlsBrokerCallers();
        app.MapTlsBroker();
        return app;
    }

    /// <summary>Exit code: the configuration is invalid (every problem was printed).</summary>
    public const int InvalidConfigurationExitCode = 2;

    /// <summary>Exit code: a listening address is already in use.</summary>
    public const int AddressInUseExitCode = 3;

    /// <summary>
    /// Runs the broker until it is stopped, as Program.cs does. A configuration that cannot start
    /// prints every problem to stderr, one per line, and returns
    /// <see cref="InvalidConfigurationExitCode"/>; an address in use prints one line and returns
    /// <see cref="AddressInUseExitCode"/>. Neither is a stack trace.
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var error = Console.Error;
        WebApplication app;
        try
        {
            app = Create(args);
        }
        catch (InvalidDataException e)
        {
            // A configuration file the builder loads itself (appsettings.json) does not parse.
            error.WriteLine($"TlsBroker cannot start: {e.Message} {e.InnerException?.Message}".TrimEnd());
            return InvalidConfigurationExitCode;
        }

        await using (app)
        {
            try
            {
                app.Services.GetRequiredService<LiveConfiguration>().LoadInitial();
            }
            catch (OptionsValidationException e)
            {
                error.WriteLine($"TlsBroker cannot start: {e.Failures.Count()} configuration problem(s):");
                foreach (var failure in e.Failures)
                {
                    error.WriteLine("  " + failure);
                }

                return InvalidConfigurationExitCode;
            }

            if (AddressInUse(app.Services.GetRequiredService<LiveConfiguration>().Current.Options) is { } inUse)
            {
                // Kestrel would say so too, but the host logs that failure with its stack trace first.
                error.WriteLine($"TlsBroker cannot start: {inUse} is already in use (Broker:ListenAddress, Broker:Port, Broker:AdminPort)");
                return AddressInUseExitCode;
            }

            try
            {
                await app.RunAsync();
                return 0;
            }
            catch (IOException e) when (e.InnerException is AddressInUseException || e is { InnerException: SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } })
            {
                error.WriteLine($"TlsBroker cannot start: {e.Message}");
                return AddressInUseExitCode;
            }
        }
    }

    /// <summary>The first configured endpoint another socket already listens on, or null.</summary>
    private static IPEndPoint? AddressInUse(BrokerOptions options)
    {
        var address = IPAddress.Parse(options.ListenAddress);
        foreach (var port in new[] { options.Port, options.AdminPort }.Where(port => port > 0))
        {
            var endPoint = new IPEndPoint(address, port);
            using var probe = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                probe.Bind(endPoint);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                return endPoint;
            }
        }

        return null;
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
