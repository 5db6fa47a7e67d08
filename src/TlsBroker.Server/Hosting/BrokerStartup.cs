using TlsBroker.Server.Logging;
using TlsBroker.Server.Reload;

namespace TlsBroker.Server.Hosting;

/// <summary>
/// Loads the configuration while the host starts, before Kestrel accepts a call (an invalid one stops
/// the start with <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> listing every
/// problem), then logs what was loaded and where the broker listens.
/// </summary>
internal sealed class BrokerStartup(
    LiveConfiguration live,
    BrokerListeners listeners,
    IHostApplicationLifetime lifetime,
    ILogger<BrokerStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var configuration = live.LoadInitial();
        var catalog = configuration.Policies;
        var resumptionTokens = configuration.Resumption;
        var options = configuration.Options;
        foreach (var policy in catalog.All)
        {
            BrokerLog.PolicyLoaded(logger, policy.Name, policy.Verifier.TrustAnchors.Source);
            if (policy.ClientIdentity is { } identity)
            {
                BrokerLog.ClientIdentityLoaded(logger, policy.Name, identity.Subject, identity.KeyAlgorithm, identity.Certificates.Count);
            }

            if (policy.Verifier.Pins is { } pins)
            {
                BrokerLog.PinsConfigured(logger, policy.Name, pins.Values.Count);
            }

            foreach (var warning in policy.Warnings)
            {
                BrokerLog.PolicyWarning(logger, policy.Name, warning);
            }
        }

        ValidationTimeWarning.LogIfAllowed(logger, configuration);

        if (resumptionTokens.SealingKeyId is { } keyId)
        {
            BrokerLog.ResumptionOn(logger, keyId, resumptionTokens.KeyCount, options.Resumption.TokenLifetime);
        }
        else
        {
            BrokerLog.ResumptionOff(logger, options.Resumption.Enabled ? "no key in Broker:Resumption:Keys" : "Broker:Resumption:Enabled is false");
        }

        lifetime.ApplicationStarted.Register(() =>
        {
            var admin = listeners.AdminAddress?.ToString() ?? "off";
            BrokerLog.Listening(logger, listeners.GrpcAddress, listeners.GrpcTransport, admin, options.MaxConcurrentSessions);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
