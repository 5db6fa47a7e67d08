using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using TlsBroker.Core.Policy;
using TlsBroker.Server.Configuration;

namespace TlsBroker.Server.Policies;

/// <summary>
/// The policies from configuration, built once at start-up and immutable afterwards
/// (<see cref="BrokerOptionsValidator"/> has already reported any problem in them).
/// </summary>
internal sealed class PolicyCatalog
{
    private readonly FrozenDictionary<string, TlsPolicy> policies;

    public PolicyCatalog(IOptions<BrokerOptions> options)
    {
        policies = options.Value.Policies
            .ToFrozenDictionary(entry => entry.Key, entry => TlsPolicy.Create(entry.Key, entry.Value), StringComparer.Ordinal);
    }

    public IEnumerable<TlsPolicy> All => policies.Values;

    /// <summary>Finds the policy a Start names; an empty name selects "default".</summary>
    public bool TryGet(string requestedName, out TlsPolicy policy)
    {
        var name = requestedName.Length == 0 ? BrokerOptions.DefaultPolicyName : requestedName;
        return policies.TryGetValue(name, out policy!);
    }
}
