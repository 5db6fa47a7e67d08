using Microsoft.Extensions.Options;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Logging;

namespace TlsBroker.Server.Callers;

/// <summary>
/// The caller table in force. Built at start-up from validated options; when the options change
/// it is rebuilt, and a new configuration with any caller problem is refused, keeping the previous table.
/// </summary>
internal sealed class CallerDirectory : IDisposable
{
    private readonly ILogger logger;
    private readonly IDisposable? subscription;
    private CallerTable current;

    public CallerDirectory(IOptionsMonitor<BrokerOptions> options, ILoggerFactory loggerFactory)
    {
        logger = loggerFactory.CreateLogger(CallerLog.Category);
        current = CallerTable.Create(options.CurrentValue);
        subscription = options.OnChange(options => TryReload(options));
    }

    public CallerTable Current => Volatile.Read(ref current);

    /// <summary>Replaces the table when <paramref name="options"/> has no caller or listener problem; otherwise logs them all and keeps the previous one.</summary>
    public bool TryReload(BrokerOptions options)
    {
        var problems = new List<string>();
        ListenerOptionsValidation.Collect(options, BrokerOptions.SectionName + ":", problems);
        CallerOptionsValidation.Collect(options, BrokerOptions.SectionName + ":", problems);
        if (problems.Count > 0)
        {
            CallerLog.CallersReloadRejected(logger, string.Join("; ", problems));
            return false;
        }

        var table = CallerTable.Create(options);
        Volatile.Write(ref current, table);
        CallerLog.CallersReloaded(logger, table.CallerCount, table.ApiKeyCount, table.CertificateMappingCount);
        return true;
    }

    public void Dispose() => subscription?.Dispose();
}
