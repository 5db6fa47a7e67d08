using System.Diagnostics;

namespace TlsBroker.Testing;

/// <summary>
/// Runs a command-line tool once (openssl, promtool ...) as an oracle: writes the given standard
/// input and closes it, then collects the exit code and everything it printed. A run that
/// outlives <see cref="TestTimeouts.Step"/> is killed and fails the test.
/// </summary>
public static class BoundedCommand
{
    /// <summary>The exit code and everything the tool printed (stdout, then stderr).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments, string standardInput = "")
    {
        var startInfo = Redirected(fileName, arguments);
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{fileName} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.StandardInput.WriteAsync(standardInput).WaitAsync(TestTimeouts.Step);
            process.StandardInput.Close();
            await process.WaitForExitAsync().WaitAsync(TestTimeouts.Step);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', startInfo.ArgumentList)} did not finish within {TestTimeouts.Step}");
        }

        return (process.ExitCode, await stdout.WaitAsync(TestTimeouts.Step) + await stderr.WaitAsync(TestTimeouts.Step));
    }

    /// <summary>How the tests start every child process: no shell, all three standard streams redirected.</summary>
    internal static ProcessStartInfo Redirected(string fileName, IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
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

        return startInfo;
    }
}
