using TlsBroker.Core.Verification;

namespace TlsBroker.Core.Policy;

/// <summary>A validated, immutable policy: what the engine offers and what it accepts.</summary>
public sealed record TlsPolicy
{
    public required string Name { get; init; }

    public required CertificateVerifier Verifier { get; init; }

    /// <summary>Validates <paramref name="options"/>; throws <see cref="PolicyConfigurationException"/> listing every problem at once.</summary>
    public static TlsPolicy Create(string name, TlsPolicyOptions options)
    {
        throw new NotImplementedException();
    }

    /// <summary>Whether callers of this policy may connect to <paramref name="identity"/> (AllowedServerNames).</summary>
    public bool AllowsServerName(ServerIdentity identity)
    {
        throw new NotImplementedException();
    }
}
