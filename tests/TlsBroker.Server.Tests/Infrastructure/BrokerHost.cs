using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TlsBroker.Contracts.V1;
using TlsBroker.Server;
using TlsBroker.Server.Sessions;
using TlsBroker.Testing;

namespace TlsBroker.Server.Tests.Infrastructure;

/// <summary>
/// The real broker (<see cref="BrokerApp"/>) on a real Kestrel at 127.0.0.1 on a free port, with a
/// real Grpc.Net.Client channel to it. Settings are configuration keys without the
/// "--" prefix, e.g. "Broker:HandshakeTimeout=00:00:01".
/// </summary>
internal sealed class BrokerHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly GrpcChannel channel;

    private BrokerHost(WebApplication app, Uri address, Uri? adminAddress)
    {
        this.app = app;
        Address = address;
        AdminAddress = adminAddress;
        channel = GrpcChannel.ForAddress(address);
        Client = new BrokerService.BrokerServiceClient(channel);
    }

    public Uri Address { get; }

    /// <summary>The HTTP/1.1 admin address (/metrics, /healthz); null when a test turned it off.</summary>
    public Uri? AdminAddress { get; }

    public BrokerService.BrokerServiceClient Client { get; }

    public ActiveSessions Sessions => app.Services.GetRequiredService<ActiveSessions>();

    public IServiceProvider Services => app.Services;

    public static async Task<BrokerHost> StartAsync(IEnumerable<string> settings, Action<WebApplicationBuilder>? configure = null)
    {
        string[] args = ["--Broker:Port=0", "--Broker:AdminPort=0", .. settings.Select(setting => "--" + setting)];

        // The console would interleave every broker's log with the test output; tests that check logs add their own provider.
        var app = BrokerApp.Create(args, builder =>
        {
            builder.Logging.ClearProviders();
            configure?.Invoke(builder);
        });
        try
        {
            await app.StartAsync().WaitAsync(TestTimeouts.Step);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new BrokerHost(app, BrokerApp.GetListeningAddress(app), BrokerApp.GetAdminAddress(app));
    }

    /// <summary>Waits (bounded) until the broker holds exactly <paramref name="expected"/> sessions.</summary>
    public async Task WaitForActiveSessionsAsync(int expected)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Step);
        while (Sessions.Count != expected)
        {
            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"the broker still holds {Sessions.Count} sessions, expected {expected}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        channel.Dispose();
        await app.StopAsync().WaitAsync(TestTimeouts.Step);
        await app.DisposeAsync();
    }
}
