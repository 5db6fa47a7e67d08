using System.Collections.Frozen;
using TlsBroker.Core.Policy;
using TlsBroker.Server.Configuration;

namespace TlsBroker.Server.Policies;

/// <summary>
/// The policies of one configuration, immutable once built. A reload builds a whole new catalog
/// (<see cref="Reload.LiveConfiguration"/>), so a session keeps the policy it started with.
/// Throws <see cref="PolicyConfigurationException"/> when a policy cannot be built.
/// </summary>
internal sealed class PolicyCatalog
{
    private readonly FrozenDictionary<string, TlsPolicy> policies;

    /// <param name="options">The validated options.</param>
    /// <param name="unchanged">
    /// A policy of the configuration in force whose options and files are unchanged, or null: it is kept as it is,
    /// so its verified-chain cache stays warm across a reload that changed something else.
    /// </param>
    public PolicyCatalog(BrokerOptions options, Func<string, TlsPolicy?>? unchanged = null)
    {
        policies = options.Policies.ToFrozenDictionary(
            entry => entry.Key,
            entry => unchanged?.Invoke(entry.Key) ?? TlsPolicy.Create(entry.Key, entry.Value),
            StringComparer.Ordinal);
    }

    public IEnumerable<TlsPolicy> All => policies.Values;

    /// <summary>Finds the policy a Start names; an empty name selects "default".</summary>
    public bool TryGet(string requestedName, out TlsPolicy policy)
    {
        var name = requestedName.Length == 0 ? BrokerOptions.DefaultPolicyName : requestedName;
        return policies.TryGetValue(name, out policy!);
    }
}
