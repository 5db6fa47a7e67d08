using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TlsBroker.Server.Configuration;

namespace TlsBroker.Server.Callers;

/// <summary>
/// The configured callers, immutable once built from one <see cref="BrokerOptions"/> (already
/// validated by <see cref="CallerOptionsValidation"/>); a reload builds a new table.
/// </summary>
internal sealed class CallerTable
{
    private const string AllPolicies = "*";

    private readonly IReadOnlyList<(byte[] Hash, Caller Caller)> apiKeys;
    private readonly FrozenDictionary<string, Caller> bySubject;
    private readonly FrozenDictionary<string, Caller> bySpkiPin;
    private readonly ClientCertificateVerifier? verifier;

    private CallerTable(
        IReadOnlyList<(byte[] Hash, Caller Caller)> apiKeys,
        FrozenDictionary<string, Caller> bySubject,
        FrozenDictionary<string, Caller> bySpkiPin,
        ClientCertificateVerifier? verifier,
        int callerCount)
    {
        this.apiKeys = apiKeys;
        this.bySubject = bySubject;
        this.bySpkiPin = bySpkiPin;
        this.verifier = verifier;
        CallerCount = callerCount;
    }

    /// <summary>No caller is configured: every call is <see cref="Caller.Anonymous"/> and may use every policy.</summary>
    public bool IsOpen => CallerCount == 0;

    public int CallerCount { get; }

    public int ApiKeyCount => apiKeys.Count;

    public int CertificateMappingCount => bySubject.Count + bySpkiPin.Count;

    /// <summary>Whether the HTTPS listener verifies client certificates, so a certificate can name a caller.</summary>
    public bool AcceptsClientCertificates => verifier is not null;

    public static CallerTable Create(BrokerOptions options)
    {
        var keys = new List<(byte[], Caller)>();
        var subjects = new Dictionary<string, Caller>(StringComparer.OrdinalIgnoreCase);
        var pins = new Dictionary<string, Caller>(StringComparer.Ordinal);
        foreach (var (name, caller) in options.Callers)
        {
            var granted = caller.Policies.Contains(AllPolicies) ? null : caller.Policies.ToFrozenSet(StringComparer.Ordinal);
            var entry = new Caller(name, granted, new CallerLimits(name, caller.MaxConcurrentSessions, caller.HandshakesPerSecond));
            foreach (var hash in caller.ApiKeyHashes)
            {
                keys.Add((ApiKeys.TryParseHash(hash, out var bytes) ? bytes : throw NotValidated(name), entry));
            }

            if (!string.IsNullOrEmpty(caller.ClientCertificate.Subject))
            {
                subjects.Add(CertificateSubjects.Normalize(caller.ClientCertificate.Subject), entry);
            }

            foreach (var pin in caller.ClientCertificate.SpkiSha256)
            {
                pins.Add(pin, entry);
            }
        }

        var verifier = string.IsNullOrEmpty(options.Tls.ClientCaFile) ? null : ClientCertificateVerifier.Load(options.Tls.ClientCaFile);
        return new CallerTable(keys, subjects.ToFrozenDictionary(subjects.Comparer), pins.ToFrozenDictionary(StringComparer.Ordinal), verifier, options.Callers.Count);
    }

    /// <summary>
    /// The caller whose configured hash matches the key's. Every configured hash is compared, each
    /// in constant time, so the time taken says nothing about which hash came close.
    /// </summary>
    public Caller? FindByApiKey(string key)
    {
        var presented = ApiKeys.HashBytes(key);
        Caller? found = null;
        foreach (var (hash, caller) in apiKeys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, presented) && found is null)
            {
                found = caller;
            }
        }

        return found;
    }

    /// <summary>The caller a client certificate names, after verifying it against the configured CAs; otherwise why not.</summary>
    public Caller? FindByCertificate(X509Certificate2 certificate, out string? rejection)
    {
        if (verifier is null)
        {
            rejection = "client certificates are not accepted (no Broker:Tls:ClientCaFile)";
            return null;
        }

        if (!verifier.IsTrusted(certificate, out rejection))
        {
            return null;
        }

        var pin = Convert.ToBase64String(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
        if (bySpkiPin.TryGetValue(pin, out var byPin))
        {
            return byPin;
        }

        if (bySubject.TryGetValue(CertificateSubjects.Normalize(certificate.SubjectName), out var bySubjectName))
        {
            return bySubjectName;
        }

        rejection = $"client certificate '{certificate.Subject}' (SPKI SHA-256 {pin}) is trusted but mapped to no caller";
        return null;
    }

    private static InvalidOperationException NotValidated(string caller) =>
        new($"caller '{caller}' has an API key hash that was not validated at start-up");
}
