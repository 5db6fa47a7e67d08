using Org.BouncyCastle.Tls;

namespace TlsBroker.Core.Policy;

/// <summary>
/// The IANA names (TLS parameters registry) of the suites, groups and signature schemes the engine
/// can offer, with their code points. Policies are written, and handshakes reported, in these names.
/// </summary>
internal static class TlsParameterNames
{
    /// <summary>TLS 1.3 suites (RFC 8446 §B.4): all AEAD, key exchange chosen by the group.</summary>
    public static IReadOnlyDictionary<string, int> Tls13CipherSuites { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["TLS_AES_128_GCM_SHA256"] = CipherSuite.TLS_AES_128_GCM_SHA256,
        ["TLS_AES_256_GCM_SHA384"] = CipherSuite.TLS_AES_256_GCM_SHA384,
        ["TLS_CHACHA20_POLY1305_SHA256"] = CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        ["TLS_AES_128_CCM_SHA256"] = CipherSuite.TLS_AES_128_CCM_SHA256,
    };

    /// <summary>TLS 1.2 suites with ECDHE key exchange; the CBC ones exist only for policies that name them.</summary>
    public static IReadOnlyDictionary<string, int> Tls12CipherSuites { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"] = CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"] = CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        ["TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"] = CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"] = CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"] = CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        ["TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"] = CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        ["TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"] = CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        ["TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"] = CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,
        ["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"] = CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
        ["TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"] = CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
    };

    public static IReadOnlyDictionary<string, int> Groups { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["x25519"] = NamedGroup.x25519,
        ["x448"] = NamedGroup.x448,
        ["secp256r1"] = NamedGroup.secp256r1,
        ["secp384r1"] = NamedGroup.secp384r1,
        ["secp521r1"] = NamedGroup.secp521r1,
    };

    /// <summary>RFC 8446 §4.2.3 names; the SHA-1 schemes are known so that a policy can name them on purpose.</summary>
    public static IReadOnlyDictionary<string, int> SignatureSchemes { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["ecdsa_secp256r1_sha256"] = SignatureScheme.ecdsa_secp256r1_sha256,
        ["ecdsa_secp384r1_sha384"] = SignatureScheme.ecdsa_secp384r1_sha384,
        ["ecdsa_secp521r1_sha512"] = SignatureScheme.ecdsa_secp521r1_sha512,
        ["ed25519"] = SignatureScheme.ed25519,
        ["ed448"] = SignatureScheme.ed448,
        ["rsa_pss_rsae_sha256"] = SignatureScheme.rsa_pss_rsae_sha256,
        ["rsa_pss_rsae_sha384"] = SignatureScheme.rsa_pss_rsae_sha384,
        ["rsa_pss_rsae_sha512"] = SignatureScheme.rsa_pss_rsae_sha512,
        ["rsa_pss_pss_sha256"] = SignatureScheme.rsa_pss_pss_sha256,
        ["rsa_pss_pss_sha384"] = SignatureScheme.rsa_pss_pss_sha384,
        ["rsa_pss_pss_sha512"] = SignatureScheme.rsa_pss_pss_sha512,
        ["rsa_pkcs1_sha256"] = SignatureScheme.rsa_pkcs1_sha256,
        ["rsa_pkcs1_sha384"] = SignatureScheme.rsa_pkcs1_sha384,
        ["rsa_pkcs1_sha512"] = SignatureScheme.rsa_pkcs1_sha512,
        ["ecdsa_sha1"] = SignatureScheme.ecdsa_sha1,
        ["rsa_pkcs1_sha1"] = SignatureScheme.rsa_pkcs1_sha1,
    };

    /// <summary>The strict default: ECDHE + AEAD only, TLS 1.3 suites first.</summary>
    public static IReadOnlyList<string> DefaultCipherSuites { get; } =
    [
        "TLS_AES_128_GCM_SHA256",
        "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    ];

    public static IReadOnlyList<string> DefaultGroups { get; } = ["x25519", "secp256r1", "secp384r1"];

    public static IReadOnlyList<string> DefaultSignatureSchemes { get; } =
    [
        "ecdsa_secp256r1_sha256",
        "ecdsa_secp384r1_sha384",
        "ecdsa_secp521r1_sha512",
        "ed25519",
        "ed448",
        "rsa_pss_rsae_sha256",
        "rsa_pss_rsae_sha384",
        "rsa_pss_rsae_sha512",
        "rsa_pss_pss_sha256",
        "rsa_pss_pss_sha384",
        "rsa_pss_pss_sha512",
        "rsa_pkcs1_sha256",
        "rsa_pkcs1_sha384",
        "rsa_pkcs1_sha512",
    ];

    public static bool TryGetCipherSuite(string name, out int code) =>
        Tls13CipherSuites.TryGetValue(name, out code) || Tls12CipherSuites.TryGetValue(name, out code);

    public static string CipherSuiteName(int code) => NameOf(Tls13CipherSuites, code) ?? NameOf(Tls12CipherSuites, code) ?? $"0x{code:X4}";

    public static string GroupName(int code) => NameOf(Groups, code) ?? NamedGroup.GetName(code);

    private static string? NameOf(IReadOnlyDictionary<string, int> table, int code)
    {
        foreach (var (name, value) in table)
        {
            if (value == code)
            {
                return name;
            }
        }

        return null;
    }
}
