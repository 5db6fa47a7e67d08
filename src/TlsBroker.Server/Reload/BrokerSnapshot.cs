using TlsBroker.Server.Configuration;
using TlsBroker.Server.Policies;
using TlsBroker.Server.Resumption;

namespace TlsBroker.Server.Reload;

/// <summary>
/// One complete, validated configuration: the options, the policies and resumption keys built from
/// them, and what they read from files. Immutable; a reload replaces it as a whole, so a session that
/// took a snapshot at its Start keeps every setting of it.
/// </summary>
internal sealed class BrokerSnapshot(BrokerOptions options, PolicyCatalog policies, ResumptionTokens resumption, ConfigurationFingerprint fingerprint)
{
    /// <summary>The validated options. Treat as read-only: other snapshots never share them.</summary>
    public BrokerOptions Options { get; } = options;

    public PolicyCatalog Policies { get; } = policies;

    public ResumptionTokens Resumption { get; } = resumption;

    public ConfigurationFingerprint Fingerprint { get; } = fingerprint;
}
