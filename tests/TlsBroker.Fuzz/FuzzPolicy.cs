using TlsBroker.Core.Engine;
using TlsBroker.Core.Policy;

namespace TlsBroker.Fuzz;

/// <summary>
/// What the harness's client offers and trusts. Spelled out rather than taken from the defaults, so that a change of
/// the broker's defaults does not change the ClientHello and with it invalidate the recorded seeds.
/// </summary>
internal static class FuzzPolicy
{
    /// <summary>The name the recorded certificates are issued for (tests/fuzz/README.md).</summary>
    public const string ServerName = "localhost";

    /// <summary>
    /// The harness's clock: inside the recorded certificates' validity (issued 2026-12-03 for ten years), so that the
    /// seeds verify whatever the date of the run.
    /// </summary>
    public static DateTimeOffset Now { get; } = new(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);

    public static SessionStart Start { get; } = new(ServerName, ["http/1.1"]);

    public static string TrustAnchorPath { get; } = Path.Combine(AppContext.BaseDirectory, "fuzz", "recorded-certs");

    public static string CorpusDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "fuzz", "corpus", "engine");

    public static TlsPolicy Create() => TlsPolicy.Create("fuzz", new TlsPolicyOptions
    {
        MinVersion = "1.2",
        MaxVersion = "1.3",
        CipherSuites =
        [
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
        ],
        // x25519 gets the TLS 1.3 key share and is what servers choose for TLS 1.2; secp256r1 is listed because OpenSSL
        // serves a P-256 certificate over TLS 1.2 only to a client whose supported_groups has its curve (RFC 8422 §5.1).
        Groups = ["x25519", "secp256r1"],
        SignatureSchemes = ["ecdsa_secp256r1_sha256", "ed25519", "rsa_pss_rsae_sha256", "rsa_pkcs1_sha256"],
        TrustAnchors = TrustAnchorPath,

        // A cache would let one input's verdict change the path of the next: off, so that each input runs alike.
        VerifiedChainCache = new VerifiedChainCacheOptions { MaxEntries = 0 },
    });
}
