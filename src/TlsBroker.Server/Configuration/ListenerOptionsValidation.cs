using System.Net;
using System.Security.Cryptography;
using TlsBroker.Server.Hosting;
using TlsBroker.Server.Callers;

namespace TlsBroker.Server.Configuration;

/// <summary>
/// Collects every problem with the gRPC listener's security: the HTTPS files, and the rule that
/// only a loopback listener may run in plaintext (h2c) or without caller authentication.
/// </summary>
internal static class ListenerOptionsValidation
{
    public static void Collect(BrokerOptions options, string prefix, List<string> problems)
    {
        CollectTls(options.Tls, prefix + "Tls:", problems);
        if (!IPAddress.TryParse(options.ListenAddress, out var address) || IPAddress.IsLoopback(address) || options.AllowInsecureNetworkListener)
        {
            return;
        }

        var escape = $"or set {prefix}AllowInsecureNetworkListener=true";
        if (!options.Tls.IsEnabled)
        {
            problems.Add($"{prefix}ListenAddress {address} is not loopback, and plaintext h2c is allowed on loopback only: configure {prefix}Tls:CertificateFile, {escape}");
        }

        if (options.Callers.Count == 0)
        {
            problems.Add($"{prefix}ListenAddress {address} is not loopback, and no caller authentication is configured: configure {prefix}Callers, {escape}");
        }
    }

    private static void CollectTls(ListenerTlsOptions tls, string key, List<string> problems)
    {
        if (!tls.IsEnabled)
        {
            if (!string.IsNullOrEmpty(tls.KeyFile) || !string.IsNullOrEmpty(tls.ClientCaFile))
            {
                problems.Add($"{key}KeyFile and {key}ClientCaFile need {key}CertificateFile");
            }

            return;
        }

        if (ListenerCertificate.TryLoad(tls, out var problem) is { } loaded)
        {
            loaded.Certificate.Dispose();
        }
        else
        {
            problems.Add($"{key}CertificateFile {tls.CertificateFile} with {key}KeyFile {tls.KeyFile ?? "(the key in the same file)"} cannot be loaded: {problem}");
        }

        if (!string.IsNullOrEmpty(tls.ClientCaFile))
        {
            try
            {
                ClientCertificateVerifier.Load(tls.ClientCaFile);
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
            {
                problems.Add($"{key}ClientCaFile {tls.ClientCaFile} cannot be loaded: {e.Message}");
            }
        }
    }
}
