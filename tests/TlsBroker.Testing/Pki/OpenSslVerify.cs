using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace TlsBroker.Testing.Pki;

/// <summary>
/// Runs the real <c>openssl verify -x509_strict -purpose sslserver</c> (or another purpose, a
/// <c>-verify_depth</c> when asked, and without <c>-x509_strict</c> when asked) on a chain, as the oracle
/// for the verify number the broker must report.
/// </summary>
public static partial class OpenSslVerify
{
    /// <summary>
    /// Debian's default SECLEVEL, which an OpenSSL TLS client there verifies at: RSA keys of at least
    /// 2048 bits and no SHA-1 or MD5 signatures (as the broker's own rules).
    /// </summary>
    public const int DebianSecurityLevel = 2;

    /// <summary>
    /// Verifies <paramref name="leaf"/> with <paramref name="roots"/> as the only trust anchors and
    /// <paramref name="untrusted"/> as the certificates the server sent after its own.
    /// </summary>
    public static async Task<OpenSslVerdict> RunAsync(
        TestCertificate leaf,
        IEnumerable<TestCertificate> roots,
        IEnumerable<TestCertificate> untrusted,
        string? hostName = null,
        IPAddress? ipAddress = null,
        DateTimeOffset? at = null,
        int authLevel = DebianSecurityLevel,
        string purpose = "sslserver",
        int? verifyDepth = null,
        bool x509Strict = true,
        string? email = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "tlsbroker-tests", "verify-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var untrustedList = untrusted.ToList();
            return await RunAsync(
                Write(folder, "leaf.pem", [leaf]),
                Write(folder, "root.pem", roots),
                untrustedList.Count > 0 ? Write(folder, "untrusted.pem", untrustedList) : null,
                hostName,
                ipAddress,
                at,
                authLevel,
                purpose,
                verifyDepth,
                x509Strict,
                email);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Verifies <paramref name="chain"/> as its server sends it (leaf, then intermediate) for
    /// <paramref name="hostName"/>, trusting the PEM file <paramref name="anchorsPath"/> (default: the chain's own root).
    /// </summary>
    public static Task<OpenSslVerdict> RunAsync(TestChain chain, string hostName, string? anchorsPath = null) =>
        RunAsync(
            chain.WriteFile($"verify-leaf-{Guid.NewGuid():N}.pem", chain.Leaf.CertificatePem),
            anchorsPath ?? chain.RootPath,
            chain.WriteFile($"verify-intermediate-{Guid.NewGuid():N}.pem", chain.Intermediate.CertificatePem),
            hostName,
            ipAddress: null,
            at: null,
            DebianSecurityLevel,
            "sslserver",
            verifyDepth: null,
            x509Strict: true,
            email: null);

    /// <summary>Reads the first "error N at D depth lookup: TEXT" line, or OK.</summary>
    public static OpenSslVerdict Parse(string output)
    {
        var match = ErrorLine().Match(output);
        if (match.Success)
        {
            return new OpenSslVerdict(
                int.Parse(match.Groups["code"].Value, CultureInfo.InvariantCulture),
                int.Parse(match.Groups["depth"].Value, CultureInfo.InvariantCulture),
                match.Groups["text"].Value.Trim(),
                output);
        }

        return output.Contains(": OK", StringComparison.Ordinal)
            ? new OpenSslVerdict(0, 0, "ok", output)
            : throw new InvalidOperationException($"openssl verify printed neither an error line nor OK:\n{output}");
    }

    private static async Task<OpenSslVerdict> RunAsync(
        string leafPath, string rootsPath, string? untrustedPath, string? hostName, IPAddress? ipAddress, DateTimeOffset? at, int authLevel, string purpose, int? verifyDepth, bool x509Strict, string? email)
    {
        List<string> arguments =
        [
            "verify", "-purpose", purpose, "-auth_level", authLevel.ToString(CultureInfo.InvariantCulture), "-CAfile", rootsPath,
        ];
        if (x509Strict)
        {
            arguments.Add("-x509_strict");
        }

        if (untrustedPath is not null)
        {
            arguments.AddRange(["-untrusted", untrustedPath]);
        }

        if (hostName is not null)
        {
            arguments.AddRange(["-verify_hostname", hostName]);
        }

        if (ipAddress is not null)
        {
            arguments.AddRange(["-verify_ip", ipAddress.ToString()]);
        }

        if (email is not null)
        {
            arguments.AddRange(["-verify_email", email]);
        }

        if (verifyDepth is { } depth)
        {
            arguments.AddRange(["-verify_depth", depth.ToString(CultureInfo.InvariantCulture)]);
        }

        if (at is { } time)
        {
            arguments.AddRange(["-attime", time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)]);
        }

        arguments.Add(leafPath);
        return Parse((await OpenSslCommand.RunAsync(arguments)).Output);
    }

    private static string Write(string folder, string name, IEnumerable<TestCertificate> certificates)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, string.Concat(certificates.Select(c => c.CertificatePem + "\n")));
        return path;
    }

    [GeneratedRegex(@"error (?<code>\d+) at (?<depth>\d+) depth lookup: ?(?<text>[^\r\n]*)")]
    private static partial Regex ErrorLine();
}
