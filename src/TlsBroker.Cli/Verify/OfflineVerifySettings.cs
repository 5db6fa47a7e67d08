namespace TlsBroker.Cli.Verify;

/// <summary>What <c>tlsbroker verify --trust</c> checks against, with no broker.</summary>
/// <param name="TrustFile">Every certificate in it is a trust anchor, self-signed or not; the system store is not used.</param>
/// <param name="At">The time to verify at, or null for now (openssl verify -attime).</param>
/// <param name="ExtendedKeyUsage">The purpose's extendedKeyUsage OID (openssl verify -purpose sslserver or sslclient).</param>
/// <param name="MaxDepth">Intermediates allowed, as openssl verify -verify_depth counts them.</param>
/// <param name="CrlFiles">CRL files every certificate below the anchor is checked against (openssl verify -crl_check_all); none: no revocation check.</param>
internal sealed record OfflineVerifySettings(string TrustFile, DateTimeOffset? At, string ExtendedKeyUsage, int MaxDepth, IReadOnlyList<string> CrlFiles);
