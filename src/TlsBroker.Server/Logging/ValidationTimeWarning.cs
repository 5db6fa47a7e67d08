using TlsBroker.Server.Reload;

namespace TlsBroker.Server.Logging;

/// <summary>
/// The warning that Broker:AllowValidationTimeOverride is on, at start-up and after every applied reload, naming the
/// policies that verify at a fixed time, so that a test setting left in a real configuration is seen.
/// </summary>
internal static class ValidationTimeWarning
{
    public static void LogIfAllowed(ILogger logger, BrokerSnapshot configuration)
    {
        if (!configuration.Options.AllowValidationTimeOverride)
        {
            return;
        }

        var fixedTime = configuration.Policies.All
            .Where(policy => policy.Verifier.ValidationTime is not null)
            .Select(policy => $"{policy.Name} at {policy.Verifier.ValidationTime:O}")
            .ToList();
        BrokerLog.ValidationTimeOverrideAllowed(logger, fixedTime.Count == 0 ? "none" : string.Join(", ", fixedTime));
    }
}
