using System.Text.RegularExpressions;
using TlsBroker.Testing;

namespace TlsBroker.Core.Tests.Engine;

/// <summary>
/// <c>openssl s_client</c> as an oracle: what OpenSSL reports against the same misbehaving server.
/// </summary>
internal static partial class OpenSslTool
{
    /// <summary>
    /// s_client with the broker's default offer (TLS 1.2+, ECDHE with AEAD) against a server expected to fail it;
    /// returns everything it printed. -ign_eof keeps it reading after the handshake, so that an alert the server
    /// sends then (TLS 1.3 certificate_required) is seen rather than raced by s_client's own close.
    /// </summary>
    public static async Task<string> ProbeWithClientAsync(int port, params string[] extraArguments) => (await OpenSslCommand.RunAsync(
    [
        "s_client", "-connect", $"127.0.0.1:{port}", "-servername", "localhost", "-ign_eof", "-no_ssl3", "-no_tls1", "-no_tls1_1",
        "-cipher", "ECDHE+AESGCM:ECDHE+CHACHA20", "-ciphersuites", "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256",
        .. extraArguments,
    ])).Output;

    /// <summary>The alert number and reason in s_client's error line ("...:sslv3 alert handshake failure:...:SSL alert number 40").</summary>
    public static (int? AlertNumber, string Reason) ParseClientError(string output)
    {
        var match = ErrorLine().Match(output);
        Assert.True(match.Success, $"no error line in s_client output:\n{output}");
        int? number = match.Groups["alert"].Success ? int.Parse(match.Groups["alert"].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
        return (number, match.Groups["reason"].Value);
    }

    [GeneratedRegex(@":error:[0-9A-F]+:SSL routines:[^:]*:(?<reason>[^:]+):[^\n]*?(SSL alert number (?<alert>\d+))?\r?$", RegexOptions.Multiline)]
    private static partial Regex ErrorLine();
}
