namespace TlsBroker.Core.Verification;

/// <summary>
/// What one handshake or Verify call asks the server's certificate to prove, before the policy's own
/// <see cref="PolicyIdentities"/>: the server name (when there is one) and, from a Verify request, further identities.
/// Identities of one subjectAltName type are alternatives; every type present must be proven (as OpenSSL's check_id
/// checks the hosts, the email and the IP each when set).
/// </summary>
/// <param name="ServerName">The Start's or request's server name, or null when a Verify request gives none.</param>
/// <param name="Required">Further identities, each type of them required.</param>
public sealed record IdentityExpectation(ServerIdentity? ServerName, IReadOnlyList<ExpectedIdentity> Required)
{
    /// <summary>Identities one Verify request may ask for.</summary>
    public const int MaxRequired = 100;

    /// <summary>A handshake's expectation: its server name.</summary>
    public static IdentityExpectation For(ServerIdentity serverName) => new(serverName, []);

    /// <summary>A stable text for the verified-chain cache key; values never contain a space.</summary>
    internal string Fingerprint => Required.Count == 0
        ? ServerName?.Name ?? string.Empty
        : $"{ServerName?.Name} {string.Join(' ', Required)}";
}
