using TlsBroker.Core.Verification;

namespace TlsBroker.Cli.Verify;

/// <summary>
/// The identities the certificate must prove, by kind. As OpenSSL's X509_VERIFY_PARAM (check_id in
/// crypto/x509/x509_vfy.c), one name of a kind is enough, and every kind given must be proved.
/// </summary>
/// <param name="Kinds">For each kind given (DNS names, IP addresses, email addresses, URIs), its names in command-line order; empty when none is checked.</param>
internal sealed record ExpectedIdentities(IReadOnlyList<IReadOnlyList<ExpectedIdentity>> Kinds)
{
    public bool IsEmpty => Kinds.Count == 0;

    public IEnumerable<ExpectedIdentity> All => Kinds.SelectMany(kind => kind);
}
