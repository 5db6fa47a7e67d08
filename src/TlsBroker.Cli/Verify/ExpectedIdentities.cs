using TlsBroker.Core.Verification;

namespace TlsBroker.Cli.Verify;

/// <summary>
/// The identities the certificate must prove, by kind. As OpenSSL's X509_VERIFY_PARAM (check_id in
/// crypto/x509/x509_vfy.c), one name of a kind is enough, and every kind given must be proved.
/// </summary>
/// <param name="Kinds">For each kind given (DNS names, IP addresses ...), its names in command-line order; empty when none is checked.</param>
internal sealed record ExpectedIdentities(IReadOnlyList<IReadOnlyList<ServerIdentity>> Kinds)
{
    public bool IsEmpty => Kinds.Count == 0;

    /// <summary>The only name given, for a broker call, which checks one; null when there is not exactly one.</summary>
    public ServerIdentity? Single => Kinds is [[var only]] ? only : null;
}
