using System.Net;
using Microsoft.Extensions.Options;
using TlsBroker.Core.Policy;
using TlsBroker.Server.Callers;

namespace TlsBroker.Server.Configuration;

/// <summary>
/// Checks every <see cref="BrokerOptions"/> value against its documented range, and builds every
/// policy once to collect its problems, so that start-up fails with the whole list at once.
/// </summary>
internal sealed class BrokerOptionsValidator : IValidateOptions<BrokerOptions>
{
    public ValidateOptionsResult Validate(string? name, BrokerOptions options)
    {
        var problems = new List<string>();
        var prefix = BrokerOptions.SectionName + ":";

        if (!IPAddress.TryParse(options.ListenAddress, out _))
        {
            problems.Add($"{prefix}ListenAddress '{options.ListenAddress}' is not an IP address literal");
        }

        CheckRange(problems, prefix + "Port", options.Port, 0, IPEndPoint.MaxPort);
        CheckRange(problems, prefix + "AdminPort", options.AdminPort, BrokerOptions.AdminPortOff, IPEndPoint.MaxPort);
        if (options.AdminPort > 0 && options.AdminPort == options.Port)
        {
            problems.Add($"{prefix}AdminPort is {options.AdminPort}, the same as {prefix}Port; the admin port must be another port");
        }

        CheckRange(problems, prefix + "MaxConcurrentSessions", options.MaxConcurrentSessions, 1, BrokerOptions.MaxConcurrentSessionsLimit);
        CheckRange(problems, prefix + "MaxMessageBytes", options.MaxMessageBytes, BrokerOptions.MinMessageBytes, BrokerOptions.MaxMessageBytesLimit);
        if (options.MaxBufferedResponseBytes != 0)
        {
            CheckRange(problems, prefix + "MaxBufferedResponseBytes", options.MaxBufferedResponseBytes, BrokerOptions.MinBufferedResponseBytes, BrokerOptions.MaxBufferedResponseBytesLimit);
        }
        CheckRange(problems, prefix + "HandshakeTimeout", options.HandshakeTimeout, BrokerOptions.MinTimeout, BrokerOptions.MaxHandshakeTimeout);
        CheckRange(problems, prefix + "IdleTimeout", options.IdleTimeout, BrokerOptions.MinTimeout, BrokerOptions.MaxIdleTimeout);
        CheckRange(problems, prefix + "DrainTimeout", options.DrainTimeout, TimeSpan.Zero, BrokerOptions.MaxDrainTimeout);

        if (!Enum.IsDefined(options.CryptoProvider))
        {
            problems.Add($"{prefix}CryptoProvider {options.CryptoProvider} is not DotNet or BouncyCastle");
        }

        ResumptionOptionsValidation.Collect(options.Resumption, prefix + "Resumption:", problems);
        ListenerOptionsValidation.Collect(options, prefix, problems);
        TelemetryOptionsValidation.Collect(options.Telemetry, prefix + "Telemetry:", problems);
        CallerOptionsValidation.Collect(options, prefix, problems);

        if (!options.Policies.ContainsKey(BrokerOptions.DefaultPolicyName))
        {
            problems.Add($"{prefix}Policies has no '{BrokerOptions.DefaultPolicyName}' policy, which a Start with an empty policy name selects");
        }

        foreach (var (policyName, policyOptions) in options.Policies)
        {
            if (!string.IsNullOrWhiteSpace(policyOptions.ValidationTime) && !options.AllowValidationTimeOverride)
            {
                problems.Add($"{prefix}Policies:{policyName}: ValidationTime is set but {prefix}AllowValidationTimeOverride is false; a fixed validation time is for tests only");
            }

            CollectKeyExportCallers(options, $"{prefix}Policies:{policyName}:KeyExport:Callers", policyOptions.KeyExport, problems);
            try
            {
                TlsPolicy.Create(policyName, policyOptions);
            }
            catch (PolicyConfigurationException e)
            {
                problems.AddRange(e.Problems.Select(problem => $"{prefix}Policies:{policyName}: {problem}"));
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>A caller granted key export must exist: "anonymous" when no callers are configured, else one of Broker:Callers.</summary>
    private static void CollectKeyExportCallers(BrokerOptions options, string key, KeyExportOptions keyExport, List<string> problems)
    {
        foreach (var caller in keyExport.Callers.Where(c => !string.IsNullOrWhiteSpace(c)))
        {
            var known = options.Callers.Count == 0 ? caller == Caller.Anonymous.Name : options.Callers.ContainsKey(caller);
            if (!known)
            {
                problems.Add($"{key} names '{caller}', which is not a caller in Broker:Callers" + (options.Callers.Count == 0 ? " (none is configured: the only caller is 'anonymous')" : string.Empty));
            }
        }
    }

    private static void CheckRange<T>(List<string> problems, string key, T value, T min, T max)
        where T : IComparable<T>
    {
        if (value.CompareTo(min) < 0 || value.CompareTo(max) > 0)
        {
            problems.Add($"{key} is {value}; it must be between {min} and {max}");
        }
    }
}
