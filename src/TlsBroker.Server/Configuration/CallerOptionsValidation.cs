using System.Security.Cryptography;
using TlsBroker.Server.Callers;

namespace TlsBroker.Server.Configuration;

/// <summary>Collects every problem in <c>Broker:Callers</c>, each prefixed with its configuration key.</summary>
internal static class CallerOptionsValidation
{
    private const string AllPolicies = "*";

    public static void Collect(BrokerOptions options, string prefix, List<string> problems)
    {
        var hashes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var pins = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, caller) in options.Callers)
        {
            var key = $"{prefix}Callers:{name}:";
            var certificate = caller.ClientCertificate;
            if (caller.ApiKeyHashes.Count == 0 && !certificate.IsConfigured)
            {
                problems.Add($"{key} has neither ApiKeyHashes nor ClientCertificate, so nothing can authenticate it");
            }

            foreach (var hash in caller.ApiKeyHashes)
            {
                if (!ApiKeys.TryParseHash(hash, out _))
                {
                    problems.Add($"{key}ApiKeyHashes has '{hash}', which is not a SHA-256 hash as 64 hex digits (tlsbroker apikey new prints one)");
                }
                else if (!hashes.TryAdd(hash, name))
                {
                    problems.Add($"{key}ApiKeyHashes has a hash that caller '{hashes[hash]}' also has; each key names one caller");
                }
            }

            CollectPolicies(options, key, caller, problems);
            CollectCertificate(options, key, name, certificate, pins, problems);
            CheckLimit(problems, key + "MaxConcurrentSessions", caller.MaxConcurrentSessions);
            CheckLimit(problems, key + "HandshakesPerSecond", caller.HandshakesPerSecond);
        }
    }

    private static void CollectPolicies(BrokerOptions options, string key, CallerOptions caller, List<string> problems)
    {
        if (caller.Policies.Count == 0)
        {
            problems.Add($"{key}Policies is empty; grant at least one policy, or \"{AllPolicies}\" for every policy");
        }

        foreach (var policy in caller.Policies.Where(policy => policy != AllPolicies && !options.Policies.ContainsKey(policy)))
        {
            problems.Add($"{key}Policies names '{policy}', which is not in Broker:Policies");
        }
    }

    private static void CollectCertificate(
        BrokerOptions options, string key, string name, CallerCertificateOptions certificate, Dictionary<string, string> pins, List<string> problems)
    {
        if (certificate.IsConfigured && string.IsNullOrEmpty(options.Tls.ClientCaFile))
        {
            problems.Add($"{key}ClientCertificate needs Broker:Tls:ClientCaFile (and the HTTPS listener) to verify client certificates");
        }

        if (!string.IsNullOrEmpty(certificate.Subject))
        {
            try
            {
                CertificateSubjects.Normalize(certificate.Subject);
            }
            catch (CryptographicException)
            {
                problems.Add($"{key}ClientCertificate:Subject '{certificate.Subject}' is not a distinguished name (e.g. \"CN=billing, O=Example\")");
            }
        }

        foreach (var pin in certificate.SpkiSha256)
        {
            var bytes = new byte[SHA256.HashSizeInBytes + 1];
            if (!Convert.TryFromBase64String(pin, bytes, out var written) || written != SHA256.HashSizeInBytes)
            {
                problems.Add($"{key}ClientCertificate:SpkiSha256 has '{pin}', which is not a SHA-256 hash in base64 (44 characters)");
            }
            else if (!pins.TryAdd(pin, name))
            {
                problems.Add($"{key}ClientCertificate:SpkiSha256 has '{pin}', which caller '{pins[pin]}' also has");
            }
        }
    }

    private static void CheckLimit(List<string> problems, string key, int value)
    {
        if (value is < 1 or > CallerOptions.MaxLimit)
        {
            problems.Add($"{key} is {value}; it must be between 1 and {CallerOptions.MaxLimit}");
        }
    }
}
