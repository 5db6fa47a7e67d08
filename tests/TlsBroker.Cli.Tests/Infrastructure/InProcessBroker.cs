using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using TlsBroker.Server;
using TlsBroker.Testing;

namespace TlsBroker.Cli.Tests.Infrastructure;

/// <summary>
/// The real broker (<see cref="BrokerApp"/>) on Kestrel at 127.0.0.1 on a free port, its "default" policy trusting one PEM file,
/// with a resumption key of its own (so TLS 1.2 sessions come with resumption tokens).
/// </summary>
internal sealed class InProcessBroker : IAsyncDisposable
{
    private readonly WebApplication app;

    private InProcessBroker(WebApplication app)
    {
        this.app = app;
        Address = BrokerApp.GetListeningAddress(app);
    }

    public Uri Address { get; }

    /// <param name="settings">More configuration keys, e.g. "Broker:Callers:app:Policies:0=default".</param>
    public static async Task<InProcessBroker> StartAsync(string trustAnchorsPath, params string[] settings)
    {
        string[] args =
        [
            "--Broker:Port=0",
            "--Broker:AdminPort=0",
            "--Logging:LogLevel:Default=Warning",
            $"--Broker:Policies:default:TrustAnchors={trustAnchorsPath}",
            "--Broker:Resumption:Keys:0:Id=test",
            $"--Broker:Resumption:Keys:0:Key={Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}",
        ];
        var app = BrokerApp.Create([.. args, .. settings.Select(setting => "--" + setting)]);
        try
        {
            await app.StartAsync().WaitAsync(TestTimeouts.Step);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new InProcessBroker(app);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().WaitAsync(TestTimeouts.Step);
        await app.DisposeAsync();
    }
}
