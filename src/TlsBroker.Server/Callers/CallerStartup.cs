using System.Net;
using Microsoft.Extensions.Options;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Logging;

namespace TlsBroker.Server.Callers;

/// <summary>Says at start-up, in one line, who may call the broker, and warns when the listener is open to the network on purpose.</summary>
internal sealed class CallerStartup(CallerDirectory callers, IOptions<BrokerOptions> options, ILoggerFactory loggerFactory) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger(CallerLog.Category);
        var broker = options.Value;
        var table = callers.Current;
        if (table.IsOpen)
        {
            CallerLog.AuthenticationOff(logger, broker.ListenAddress);
        }
        else
        {
            CallerLog.AuthenticationOn(logger, table.CallerCount, table.ApiKeyCount, table.CertificateMappingCount);
        }

        if (broker.Tls.IsEnabled)
        {
            var clientCertificates = string.IsNullOrEmpty(broker.Tls.ClientCaFile) ? "not asked for" : "verified against " + broker.Tls.ClientCaFile;
            CallerLog.ListenerHttps(logger, broker.Tls.CertificateFile!, clientCertificates);
        }

        if (broker.AllowInsecureNetworkListener && IPAddress.TryParse(broker.ListenAddress, out var address) && !IPAddress.IsLoopback(address))
        {
            var weaknesses = new List<string>();
            if (!broker.Tls.IsEnabled)
            {
                weaknesses.Add("in plaintext (h2c)");
            }

            if (table.IsOpen)
            {
                weaknesses.Add("without caller authentication");
            }

            if (weaknesses.Count > 0)
            {
                CallerLog.InsecureNetworkListener(logger, broker.ListenAddress, string.Join(" and ", weaknesses));
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
