using System.Globalization;
using System.Text.RegularExpressions;

namespace TlsBroker.Testing.Pki;

/// <summary>
/// What <c>openssl ocsp -respin RESPONSE -issuer CA -cert CERT -CAfile CA</c> says about a response: whether its
/// signature verifies (OCSP_basic_verify), the status it gives the certificate (OCSP_resp_find_status) and its nextUpdate.
/// </summary>
/// <param name="Status">"good", "revoked", "unknown", or null when the response has no status for the certificate.</param>
public sealed partial record OpenSslOcsp(bool SignatureVerified, string? Status, DateTimeOffset? NextUpdate)
{
    public static async Task<OpenSslOcsp> RunAsync(string responsePath, string certificatePath, string caPath)
    {
        var (_, output) = await OpenSslCommand.RunAsync(
            ["ocsp", "-respin", responsePath, "-issuer", caPath, "-cert", certificatePath, "-CAfile", caPath, "-no_nonce"]);
        var status = StatusLine().Match(output);
        var next = NextUpdateLine().Match(output);
        return new OpenSslOcsp(
            output.Contains("Response verify OK", StringComparison.Ordinal),
            status.Success ? status.Groups["status"].Value : null,
            next.Success
                ? DateTimeOffset.ParseExact(
                    Regex.Replace(next.Groups["time"].Value.Trim(), " +", " "), "MMM d HH:mm:ss yyyy 'GMT'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
                : null);
    }

    [GeneratedRegex(@": (?<status>good|revoked|unknown)$", RegexOptions.Multiline)]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"Next Update: (?<time>.+)$", RegexOptions.Multiline)]
    private static partial Regex NextUpdateLine();
}
