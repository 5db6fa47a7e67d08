using System.Diagnostics;
using System.Text.RegularExpressions;
using TlsBroker.Testing;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests.Infrastructure;

/// <summary>
/// What <c>openssl verify</c> says about a chain: the X509_V_* number the broker must report for
/// the same chain, so that tests compare against OpenSSL rather than a hard-coded number.
/// </summary>
internal static partial class OpenSslVerifyOracle
{
    /// <summary>The verify code (0 when OpenSSL accepts the chain) for <paramref name="chain"/>'s leaf, trusting <paramref name="anchorsPath"/>.</summary>
    public static async Task<int> VerifyCodeAsync(TestChain chain, string anchorsPath, string hostName)
    {
        var leaf = chain.WriteFile("oracle-leaf.pem", chain.Leaf.CertificatePem);
        var intermediate = chain.WriteFile("oracle-intermediate.pem", chain.Intermediate.CertificatePem);
        var startInfo = new ProcessStartInfo("openssl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "verify", "-CAfile", anchorsPath, "-untrusted", intermediate, "-verify_hostname", hostName, leaf })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TestTimeouts.Step);
        var text = await output + await error;
        if (process.ExitCode == 0)
        {
            return 0;
        }

        var match = ErrorLine().Match(text);
        Assert.True(match.Success, $"cannot read openssl verify's answer:\n{text}");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"error (\d+) at \d+ depth lookup")]
    private static partial Regex ErrorLine();
}
