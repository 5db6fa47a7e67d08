using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TlsBroker.Bench.Processes;

/// <summary>
/// A .NET program the bench starts (<c>dotnet X.dll ARGS</c>) and waits for until it prints a ready line.
/// Its output is drained (the last lines kept for error messages); disposing kills it and its children.
/// Stdin is a pipe that the bench holds open, so a child that watches stdin ends with the bench.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const int KeptLines = 20;

    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(10);

    private readonly Queue<string> lastLines = new();
    private readonly Regex readyLine;
    private readonly TaskCompletionSource<Match> ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process, Regex readyLine)
    {
        Process = process;
        this.readyLine = readyLine;
    }

    public Process Process { get; }

    /// <summary>The last lines the child printed (stdout and stderr), for a message when it fails.</summary>
    public string RecentOutput
    {
        get
        {
            lock (lastLines)
            {
                return string.Join(Environment.NewLine, lastLines);
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="dll"/> (with <paramref name="environment"/> added to its environment) and
    /// returns once a line matches <paramref name="readyLine"/>, with that match.
    /// </summary>
    /// <exception cref="ChildProcessException">The child exited, or printed no ready line within <paramref name="timeout"/>.</exception>
    public static async Task<(ChildProcess Child, Match Ready)> StartAsync(
        string name,
        string dll,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string> environment,
        Regex readyLine,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        if (!File.Exists(dll))
        {
            throw new ChildProcessException($"{name}: {dll} does not exist (build the CLI, which puts it next to tlsbroker.dll)");
        }

        var startInfo = new ProcessStartInfo(DotnetHost.Path())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (variable, value) in environment)
        {
            startInfo.Environment[variable] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var child = new ChildProcess(process, readyLine);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.Exited += (_, _) =>
        {
            // Once the process has exited, WaitForExit() only waits for its redirected output to drain.
            process.WaitForExit();
            child.ready.TrySetException(new ChildProcessException(
                $"{name} exited with code {process.ExitCode} before it was ready:{Environment.NewLine}{child.RecentOutput}"));
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var match = await child.ready.Task.WaitAsync(timeout, cancellationToken);
            return (child, match);
        }
        catch (TimeoutException e)
        {
            await child.DisposeAsync();
            throw new ChildProcessException($"{name} was not ready within {timeout.TotalSeconds:0} s:{Environment.NewLine}{child.RecentOutput}", e);
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }

            await Process.WaitForExitAsync().WaitAsync(ExitWait);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            // Already gone, or never started: nothing left to stop.
        }
        finally
        {
            Process.Dispose();
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (lastLines)
        {
            lastLines.Enqueue(line);
            if (lastLines.Count > KeptLines)
            {
                lastLines.Dequeue();
            }
        }

        if (readyLine.Match(line) is { Success: true } match)
        {
            ready.TrySetResult(match);
        }
    }
}
