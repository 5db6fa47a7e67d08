using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Extensions.Primitives;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Logging;
using TlsBroker.Server.Telemetry;

namespace TlsBroker.Server.Reload;

/// <summary>
/// Reloads the configuration when it may have changed: a configuration file's own reload
/// (<c>reloadOnChange</c>), a change to a file the configuration reads or to the operator's
/// configuration file (<see cref="ReferencedFileWatch"/>), or SIGHUP. The last two also reread every
/// configuration file: the configuration providers' own watch misses a file replaced behind a
/// symbolic link, as a Kubernetes ConfigMap volume does. A burst of triggers becomes one reload once
/// <see cref="QuietPeriod"/> has passed without another. Each reload is logged as one record and counted.
/// </summary>
internal sealed class ConfigurationReloader(
    LiveConfiguration live,
    IConfiguration configuration,
    ConfigFileProblems fileProblems,
    BrokerMetrics metrics,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory) : BackgroundService
{
    public const string ConfigurationTrigger = "configuration changed";
    public const string FileTrigger = "referenced file changed";
    public const string SignalTrigger = "SIGHUP";

    /// <summary>Editors and deployment tools write a file in several steps; the reload waits for them to finish.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(300);

    /// <summary>Settings Kestrel and gRPC read once, when the broker starts.</summary>
    private static readonly HashSet<string> RestartOnly = new(StringComparer.Ordinal)
    {
        nameof(BrokerOptions.ListenAddress), nameof(BrokerOptions.Port), nameof(BrokerOptions.AdminPort), nameof(BrokerOptions.MaxMessageBytes),
    };

    private readonly ILogger logger = loggerFactory.CreateLogger(ReloadLog.Category);
    private readonly Channel<string> triggers = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private IReadOnlyList<string>? lastRejected;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var fileWatch = new ReferencedFileWatch(timeProvider, () => triggers.Writer.TryWrite(FileTrigger));
        fileWatch.Watch(WatchedFiles());
        using var configurationChanges = ChangeToken.OnChange(configuration.GetReloadToken, () => triggers.Writer.TryWrite(ConfigurationTrigger));
        using var hangUp = RegisterHangUp();

        try
        {
            await ReloadWhenTriggeredAsync(fileWatch, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    private async Task ReloadWhenTriggeredAsync(ReferencedFileWatch fileWatch, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await triggers.Reader.WaitToReadAsync(stoppingToken);
            var reasons = new SortedSet<string>(StringComparer.Ordinal);
            await CollectBurstAsync(reasons, stoppingToken);
            var trigger = string.Join(", ", reasons);
            try
            {
                ReloadOnce(trigger, reasons);
                fileWatch.Watch(WatchedFiles());
            }
            catch (Exception e)
            {
                // A bug here must not end the host (BackgroundService stops it on an exception): the configuration in force stays.
                ReloadLog.Failed(logger, trigger, e);
                metrics.ConfigurationReload(ReloadResult.RejectedOutcome);
            }
        }
    }

    private async Task CollectBurstAsync(SortedSet<string> reasons, CancellationToken stoppingToken)
    {
        while (true)
        {
            Drain(reasons);
            using var quiet = new CancellationTokenSource(QuietPeriod, timeProvider);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(quiet.Token, stoppingToken);
            try
            {
                await triggers.Reader.WaitToReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private void Drain(SortedSet<string> reasons)
    {
        while (triggers.Reader.TryRead(out var reason))
        {
            reasons.Add(reason);
        }
    }

    private void ReloadOnce(string trigger, SortedSet<string> reasons)
    {
        var force = reasons.Contains(SignalTrigger);
        if ((force || reasons.Contains(FileTrigger)) && configuration is IConfigurationRoot root)
        {
            root.Reload();
            Drain(reasons);
        }

        var result = live.Reload(force);
        if (result.Outcome == ReloadResult.RejectedOutcome && !force && lastRejected is not null && lastRejected.SequenceEqual(result.Problems))
        {
            // The same invalid edit seen by a second watch (the configuration provider's and the file watch): reported once.
            result = ReloadResult.Unchanged;
        }
        else
        {
            lastRejected = result.Outcome == ReloadResult.RejectedOutcome ? result.Problems : null;
        }

        metrics.ConfigurationReload(result.Outcome);
        switch (result.Outcome)
        {
            case ReloadResult.RejectedOutcome:
                ReloadLog.Rejected(logger, trigger, result.Problems.Count, result.Problems);
                break;
            case ReloadResult.UnchangedOutcome:
                ReloadLog.Unchanged(logger, trigger);
                break;
            default:
                var change = result.Change!;
                ReloadLog.Applied(logger, trigger, change.Added, change.Removed, change.Changed, change.Settings);
                ValidationTimeWarning.LogIfAllowed(logger, live.Current);
                if (change.Settings.Where(RestartOnly.Contains).ToArray() is { Length: > 0 } restartOnly)
                {
                    ReloadLog.RestartNeeded(logger, restartOnly);
                }

                break;
        }
    }

    /// <summary>The files of the configuration in force and of the one last tried (so that creating a file an invalid edit named is seen), and the operator's configuration file.</summary>
    private IEnumerable<string> WatchedFiles() =>
        live.Current.Options.ReferencedFiles().Concat(live.ReadUnvalidated().ReferencedFiles()).Concat(fileProblems.RequiredFiles);

    /// <summary>SIGHUP asks a daemon to reread its configuration (nginx, sshd); without a handler .NET would end the process.</summary>
    private PosixSignalRegistration? RegisterHangUp()
    {
        try
        {
            return PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                ReloadLog.ReloadSignal(logger);
                triggers.Writer.TryWrite(SignalTrigger);
            });
        }
        catch (PlatformNotSupportedException)
        {
            return null;
        }
    }
}
