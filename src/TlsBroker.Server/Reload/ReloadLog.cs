using Microsoft.Extensions.Logging;

namespace TlsBroker.Server.Reload;

/// <summary>Configuration reload events (category TlsBroker.Server.Reload), EventIds 300-309. They name settings and policies, never their values.</summary>
internal static partial class ReloadLog
{
    public const string Category = "TlsBroker.Server.Reload";

    [LoggerMessage(EventId = 300, EventName = "ConfigurationApplied", Level = LogLevel.Information,
        Message = "Configuration reloaded ({Trigger}): policies added [{AddedPolicies}], removed [{RemovedPolicies}], changed [{ChangedPolicies}]; settings changed [{ChangedSettings}]; new sessions use it, sessions already started keep theirs")]
    public static partial void Applied(
        ILogger logger, string trigger, IReadOnlyList<string> addedPolicies, IReadOnlyList<string> removedPolicies, IReadOnlyList<string> changedPolicies, IReadOnlyList<string> changedSettings);

    [LoggerMessage(EventId = 301, EventName = "ConfigurationRejected", Level = LogLevel.Error,
        Message = "Configuration reload ({Trigger}) rejected, the configuration in force stays: {ProblemCount} problem(s): {Problems}")]
    public static partial void Rejected(ILogger logger, string trigger, int problemCount, IReadOnlyList<string> problems);

    [LoggerMessage(EventId = 302, EventName = "ConfigurationUnchanged", Level = LogLevel.Debug,
        Message = "Configuration reload ({Trigger}): nothing changed")]
    public static partial void Unchanged(ILogger logger, string trigger);

    [LoggerMessage(EventId = 303, EventName = "RestartNeeded", Level = LogLevel.Warning,
        Message = "Settings [{Settings}] changed; they take effect only when the broker restarts")]
    public static partial void RestartNeeded(ILogger logger, IReadOnlyList<string> settings);

    [LoggerMessage(EventId = 304, EventName = "ReloadSignal", Level = LogLevel.Information,
        Message = "SIGHUP received: reloading the configuration and every file it reads")]
    public static partial void ReloadSignal(ILogger logger);

    [LoggerMessage(EventId = 305, EventName = "ReloadFailed", Level = LogLevel.Error,
        Message = "Configuration reload ({Trigger}) failed unexpectedly; the configuration in force stays")]
    public static partial void Failed(ILogger logger, string trigger, Exception exception);
}
