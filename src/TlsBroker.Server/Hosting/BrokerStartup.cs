using Microsoft.Extensions.Options;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Logging;
using TlsBroker.Server.Policies;
using TlsBroker.Server.Resumption;

namespace TlsBroker.Server.Hosting;

/// <summary>
/// Builds the policy catalog while the host starts (taking it as a dependency builds it before
/// Kestrel accepts a call), then logs what was loaded and where the broker listens.
/// </summary>
internal sealed class BrokerStartup(
    PolicyCatalog catalog,
    ResumptionTokens resumptionTokens,
    IOptions<BrokerOptions> options,
    BrokerListeners listeners,
    IHostApplicationLifetime lifetime,
    ILogger<BrokerStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var policy in catalog.All)
        {
            BrokerLog.PolicyLoaded(logger, policy.Name, policy.Verifier.TrustAnchors.Source);
        }

        if (resumptionTokens.SealingKeyId is { } keyId)
        {
            BrokerLog.ResumptionOn(logger, keyId, resumptionTokens.KeyCount, options.Value.Resumption.TokenLifetime);
        }
        else
        {
            BrokerLog.ResumptionOff(logger, options.Value.Resumption.Enabled ? "no key in Broker:Resumption:Keys" : "Broker:Resumption:Enabled is false");
        }

        lifetime.ApplicationStarted.Register(() =>
        {
            var admin = listeners.AdminAddress?.ToString() ?? "off";
            BrokerLog.Listening(logger, listeners.GrpcAddress, listeners.GrpcTransport, admin, options.Value.MaxConcurrentSessions);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
