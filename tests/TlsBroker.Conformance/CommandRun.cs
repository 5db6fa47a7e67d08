using System.ComponentModel;
using System.Diagnostics;

namespace TlsBroker.Conformance;

/// <summary>
/// Runs the client's command inside the environment: standard input, output and error are the
/// host's own, and the two variables of tests/conformance/README.md name the environment and results
/// files. When the time limit passes or the host is told to stop, the command and every process
/// it started are killed.
/// </summary>
internal static class CommandRun
{
    public const string EnvironmentVariable = "TLSBROKER_CONFORMANCE";

    public const string ResultsVariable = "TLSBROKER_CONFORMANCE_RESULTS";

    /// <summary>timeout(1)'s exit code for a command it had to stop.</summary>
    public const int TimedOut = 124;

    /// <returns>The command's exit code; <see cref="TimedOut"/> when the time limit killed it.</returns>
    /// <exception cref="OperationCanceledException">The host was told to stop; the command has been killed.</exception>
    /// <exception cref="Win32Exception">The command could not be started (not found, not executable).</exception>
    public static async Task<int> RunAsync(IReadOnlyList<string> command, string environmentPath, string resultsPath, TimeSpan timeLimit, TextWriter log, CancellationToken stop)
    {
        var startInfo = new ProcessStartInfo(command[0]) { UseShellExecute = false };
        foreach (var argument in command.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment[EnvironmentVariable] = environmentPath;
        startInfo.Environment[ResultsVariable] = resultsPath;
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{command[0]} did not start");
        using var expiry = CancellationTokenSource.CreateLinkedTokenSource(stop);
        expiry.CancelAfter(timeLimit);
        try
        {
            await process.WaitForExitAsync(expiry.Token);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended on its own just now: nothing left to kill.
            }

            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
            stop.ThrowIfCancellationRequested();
            await log.WriteLineAsync($"conformance: the command outlived the time limit and was killed: {string.Join(' ', command)}");
            return TimedOut;
        }
    }
}
