namespace TlsBroker.Core.Policy;

/// <summary>A policy in configuration is invalid; <see cref="Problems"/> lists every problem found.</summary>
public sealed class PolicyConfigurationException(string policyName, IReadOnlyList<string> problems)
    : Exception($"policy '{policyName}' is invalid: {string.Join("; ", problems)}")
{
    public string PolicyName { get; } = policyName;

    public IReadOnlyList<string> Problems { get; } = problems;
}
