using System.Diagnostics;

namespace TlsBroker.Testing;

/// <summary>
/// Runs the real <c>openssl</c> command line once (verify, s_client, ciphers ...) as an oracle
/// for what OpenSSL says about the same input. Standard input is closed at once; a run that
/// outlives <see cref="TestTimeouts.Step"/> is killed and fails the test.
/// </summary>
public static class OpenSslCommand
{
    /// <summary>The exit code and everything openssl printed (stdout, then stderr).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo("openssl")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("openssl did not start");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TestTimeouts.Step);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"openssl {string.Join(' ', startInfo.ArgumentList)} did not finish within {TestTimeouts.Step}");
        }

        return (process.ExitCode, await stdout.WaitAsync(TestTimeouts.Step) + await stderr.WaitAsync(TestTimeouts.Step));
    }
}
