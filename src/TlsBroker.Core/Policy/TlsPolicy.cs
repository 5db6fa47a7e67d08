using System.Globalization;
using Org.BouncyCastle.Tls;
using TlsBroker.Core.Identity;
using TlsBroker.Core.Verification;

namespace TlsBroker.Core.Policy;

/// <summary>A validated, immutable policy: what the engine offers and what it accepts.</summary>
public sealed record TlsPolicy
{
    public required string Name { get; init; }

    public required CertificateVerifier Verifier { get; init; }

    public required TlsProtocolVersion MinVersion { get; init; }

    public required TlsProtocolVersion MaxVersion { get; init; }

    /// <summary>IANA names in preference order, only those usable with the enabled versions.</summary>
    public required IReadOnlyList<string> CipherSuites { get; init; }

    /// <summary>IANA names in preference order; the first gets the TLS 1.3 key share.</summary>
    public required IReadOnlyList<string> Groups { get; init; }

    /// <summary>RFC 8446 §4.2.3 names, in preference order.</summary>
    public required IReadOnlyList<string> SignatureSchemes { get; init; }

    /// <summary>As configured; empty allows any server name.</summary>
    public required IReadOnlyList<string> AllowedServerNames { get; init; }

    /// <summary>The client certificate and key presented when a server asks for one, or null. Its ToString shows no key material.</summary>
    public ClientIdentity? ClientIdentity { get; init; }

    /// <summary>The callers that may export the keys of this policy's sessions; none by default.</summary>
    public KeyExportGrant KeyExport { get; init; } = KeyExportGrant.None;

    /// <summary>What is valid but unwise in the configuration (a world-readable key file ...), for the host to log at start-up.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Code points of <see cref="CipherSuites"/>; derived on use so that a copy made with <c>with</c> stays consistent.</summary>
    internal int[] CipherSuiteCodes() => Codes(CipherSuites, TlsParameterNames.TryGetCipherSuite);

    internal int[] GroupCodes() => Codes(Groups, TlsParameterNames.Groups.TryGetValue);

    internal int[] SignatureSchemeCodes() => Codes(SignatureSchemes, TlsParameterNames.SignatureSchemes.TryGetValue);

    /// <summary>Validates <paramref name="options"/>; throws <see cref="PolicyConfigurationException"/> listing every problem at once.</summary>
    public static TlsPolicy Create(string name, TlsPolicyOptions options)
    {
        var problems = new List<string>();
        if (!PolicyName.IsValid(name))
        {
            problems.Add($"the policy name is not valid: {PolicyName.Rule}");
        }

        var min = ParseVersion(nameof(options.MinVersion), options.MinVersion, problems);
        var max = ParseVersion(nameof(options.MaxVersion), options.MaxVersion, problems);
        var versionsValid = min is not null && max is not null;
        if (versionsValid && min > max)
        {
            problems.Add($"MinVersion {options.MinVersion} is above MaxVersion {options.MaxVersion}");
            versionsValid = false;
        }

        var suites = Resolve("CipherSuites", "cipher suite", options.CipherSuites, TlsParameterNames.DefaultCipherSuites, TlsParameterNames.TryGetCipherSuite, problems);
        var groups = Resolve("Groups", "group", options.Groups, TlsParameterNames.DefaultGroups, TlsParameterNames.Groups.TryGetValue, problems);
        var schemes = Resolve("SignatureSchemes", "signature scheme", options.SignatureSchemes, TlsParameterNames.DefaultSignatureSchemes, TlsParameterNames.SignatureSchemes.TryGetValue, problems);
        var usableSuites = suites.Where(s => IsUsable(s.Name, min ?? TlsProtocolVersion.Tls12, max ?? TlsProtocolVersion.Tls13)).ToList();
        if (suites.Count > 0 && usableSuites.Count == 0 && versionsValid)
        {
            problems.Add($"no cipher suite in CipherSuites can be used with TLS {options.MinVersion} to {options.MaxVersion}");
        }

        foreach (var entry in options.AllowedServerNames)
        {
            if (!ServerNamePattern.TryParse(entry, out _, out var error))
            {
                problems.Add(error);
            }
        }

        var cache = CreateCache(options.VerifiedChainCache, problems);
        var pins = ServerPins.Parse(options.Pins, problems);
        var requirements = ChainRequirements.Parse(options.ExtendedKeyUsages, options.MaxDepth, problems, options.Profile);
        var identities = PolicyIdentities.Parse(options.ExpectedIdentities, options.SpiffeTrustDomain, options.CheckServerName, problems);
        requirements = requirements is null || identities is null ? null : requirements with { Identities = identities };
        var revocation = RevocationPolicy.Parse(options.Revocation, problems);
        var validationTime = ParseValidationTime(options.ValidationTime, problems);
        var verifier = LoadVerifier(options.TrustAnchors, cache, pins, requirements, revocation, validationTime, problems);
        var warnings = new List<string>();
        var clientIdentity = options.ClientIdentity is { } identityOptions ? ClientIdentityLoader.Load(identityOptions, problems, warnings) : null;
        var keyExport = KeyExportGrant.Parse(options.KeyExport, problems, warnings);
        if (problems.Count > 0)
        {
            throw new PolicyConfigurationException(name, problems);
        }

        return new TlsPolicy
        {
            Name = name,
            Verifier = verifier!,
            MinVersion = min!.Value,
            MaxVersion = max!.Value,
            CipherSuites = usableSuites.Select(s => s.Name).ToArray(),
            Groups = groups.Select(g => g.Name).ToArray(),
            SignatureSchemes = schemes.Select(s => s.Name).ToArray(),
            AllowedServerNames = options.AllowedServerNames.ToArray(),
            ClientIdentity = clientIdentity,
            KeyExport = keyExport,
            Warnings = warnings,
        };
    }

    /// <summary>Whether callers of this policy may connect to <paramref name="identity"/> (AllowedServerNames).</summary>
    public bool AllowsServerName(ServerIdentity identity) =>
        AllowedServerNames.Count == 0
        || AllowedServerNames.Any(entry => ServerNamePattern.TryParse(entry, out var pattern, out _) && pattern!.Matches(identity));

    /// <summary>
    /// The versions offered: those enabled that have a suite in this policy, so that a server is never
    /// invited to pick a version for which the client could accept no cipher suite.
    /// </summary>
    internal ProtocolVersion[] ProtocolVersions()
    {
        var hasTls13Suite = CipherSuites.Any(TlsParameterNames.Tls13CipherSuites.ContainsKey);
        var hasTls12Suite = CipherSuites.Any(TlsParameterNames.Tls12CipherSuites.ContainsKey);
        var max = MaxVersion == TlsProtocolVersion.Tls13 && !hasTls13Suite ? TlsProtocolVersion.Tls12 : MaxVersion;
        var min = MinVersion == TlsProtocolVersion.Tls12 && !hasTls12Suite ? TlsProtocolVersion.Tls13 : MinVersion;
        return ToBouncyCastle(max).DownTo(ToBouncyCastle(min));
    }

    private static ProtocolVersion ToBouncyCastle(TlsProtocolVersion version) =>
        version == TlsProtocolVersion.Tls13 ? ProtocolVersion.TLSv13 : ProtocolVersion.TLSv12;

    private static bool IsUsable(string suite, TlsProtocolVersion min, TlsProtocolVersion max) =>
        TlsParameterNames.Tls13CipherSuites.ContainsKey(suite) ? max == TlsProtocolVersion.Tls13 : min == TlsProtocolVersion.Tls12;

    private static TlsProtocolVersion? ParseVersion(string field, string value, List<string> problems)
    {
        switch (value.Trim())
        {
            case "1.2":
                return TlsProtocolVersion.Tls12;
            case "1.3":
                return TlsProtocolVersion.Tls13;
            default:
                // RFC 8996 deprecates TLS 1.0 and 1.1: they are not offered under any policy.
                problems.Add($"{field} '{value}' is not a supported version (1.2 or 1.3)");
                return null;
        }
    }

    private delegate bool TryLookup(string name, out int code);

    private static List<(string Name, int Code)> Resolve(
        string field, string kind, List<string> configured, IReadOnlyList<string> defaults, TryLookup lookup, List<string> problems)
    {
        var names = configured.Count == 0 ? defaults : configured;
        var resolved = new List<(string Name, int Code)>();
        foreach (var name in names)
        {
            if (!lookup(name, out var code))
            {
                problems.Add($"{field}: unknown {kind} '{name}'");
            }
            else if (!resolved.Any(r => r.Code == code))
            {
                resolved.Add((name, code));
            }
        }

        return resolved;
    }

    private static int[] Codes(IReadOnlyList<string> names, TryLookup lookup) =>
        names.Select(name => lookup(name, out var code) ? code : -1).Where(code => code >= 0).ToArray();

    private static VerifiedChainCache? CreateCache(VerifiedChainCacheOptions options, List<string> problems)
    {
        const string Field = "VerifiedChainCache";
        var valid = true;
        if (options.MaxEntries is < 0 or > VerifiedChainCacheOptions.MaxEntriesLimit)
        {
            problems.Add($"{Field}:MaxEntries is {options.MaxEntries}; it must be between 0 (off) and {VerifiedChainCacheOptions.MaxEntriesLimit}");
            valid = false;
        }

        if (options.MaxAge < VerifiedChainCacheOptions.MinMaxAge || options.MaxAge > VerifiedChainCacheOptions.MaxAgeLimit)
        {
            problems.Add($"{Field}:MaxAge is {options.MaxAge}; it must be between {VerifiedChainCacheOptions.MinMaxAge} and {VerifiedChainCacheOptions.MaxAgeLimit}");
            valid = false;
        }

        return valid && options.MaxEntries > 0 ? new VerifiedChainCache(options.MaxEntries, options.MaxAge) : null;
    }

    /// <summary>An ISO-8601 time with its offset (round-trip form), so that the fixed time cannot depend on the host's zone.</summary>
    private static DateTimeOffset? ParseValidationTime(string? text, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time)
            && (text.EndsWith('Z') || text.EndsWith('z') || text.LastIndexOfAny(['+', '-']) > text.IndexOf('T', StringComparison.Ordinal)))
        {
            return time;
        }

        problems.Add($"ValidationTime '{text}' is not an ISO-8601 time with an offset, e.g. 2026-01-01T00:00:00Z");
        return null;
    }

    private static CertificateVerifier? LoadVerifier(
        string trustAnchors, VerifiedChainCache? cache, ServerPins? pins, ChainRequirements? requirements, RevocationPolicy? revocation, DateTimeOffset? validationTime, List<string> problems)
    {
        try
        {
            return new CertificateVerifier(TrustAnchors.Load(trustAnchors), cache, pins, requirements, revocation) { ValidationTime = validationTime };
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            problems.Add($"TrustAnchors: {e.Message}");
            return null;
        }
    }
}
