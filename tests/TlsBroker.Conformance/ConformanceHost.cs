using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using TlsBroker.Conformance.Results;

namespace TlsBroker.Conformance;

/// <summary>
/// One run: start the environment, run the command in it, print the results table, tear the
/// environment down whatever happened (also on SIGINT/SIGTERM), and give the command's exit code.
/// </summary>
internal static class ConformanceHost
{
    /// <summary>The environment did not start (or the command could not be found).</summary>
    public const int EnvironmentFailed = 1;

    public static async Task<int> RunAsync(IReadOnlyList<string> command, TimeSpan timeLimit, string? resultsPath, TextWriter output, TextWriter log)
    {
        using var stop = new CancellationTokenSource();
        var signalExitCode = 0;
        void OnSignal(PosixSignalContext context, int exitCode)
        {
            // Handled here: the command (same process group) got the signal too; the environment still has to go.
            context.Cancel = true;
            signalExitCode = exitCode;
            stop.Cancel();
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => OnSignal(context, 130));
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => OnSignal(context, 143));

        await log.WriteLineAsync("conformance: starting two brokers, nginx, openssl s_server and the scripted peers on 127.0.0.1");
        var started = Stopwatch.StartNew();
        ConformanceEnvironment environment;
        try
        {
            environment = await ConformanceEnvironment.StartAsync();
        }
        catch (Exception e)
        {
            // Whatever failed (a tool missing, a port taken, a peer that exited), everything that did start is already stopped.
            await log.WriteLineAsync($"conformance: the environment did not start: {FirstLine(e)}");
            return EnvironmentFailed;
        }

        try
        {
            if (stop.IsCancellationRequested)
            {
                return signalExitCode;
            }

            var results = Path.GetFullPath(resultsPath ?? Path.Combine(environment.Folder, "results.jsonl"));
            await File.WriteAllTextAsync(results, string.Empty);
            await log.WriteLineAsync($"conformance: environment ready in {started.Elapsed.TotalSeconds:F1} s: {CommandRun.EnvironmentVariable}={environment.EnvironmentPath}");
            int exitCode;
            try
            {
                exitCode = await CommandRun.RunAsync(command, environment.EnvironmentPath, results, timeLimit, log, stop.Token);
            }
            catch (Win32Exception e)
            {
                await log.WriteLineAsync($"conformance: cannot run {command[0]}: {e.Message}");
                return EnvironmentFailed;
            }
            catch (OperationCanceledException)
            {
                await log.WriteLineAsync("conformance: interrupted; the command was killed");
                return signalExitCode;
            }

            await output.WriteLineAsync($"conformance results ({results}):");
            await output.WriteAsync(new ResultsTable(ResultsFile.Read(results)).ToText());
            return exitCode;
        }
        finally
        {
            await environment.DisposeAsync();
            await log.WriteLineAsync("conformance: environment stopped");
        }
    }

    private static string FirstLine(Exception e)
    {
        var message = e.Message.ReplaceLineEndings("\n");
        var newline = message.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? message : message[..newline];
    }
}
