using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TlsBroker.Bench.Processes;

/// <summary>
/// A .NET program the bench starts (<c>dotnet X.dll ARGS</c>) and waits for until it is ready: it
/// prints a ready line, or a readiness check of the caller's (a ready file) completes.
/// Its output is drained (the last lines kept for error messages); disposing kills it and its children.
/// Stdin is a pipe that the bench holds open, so a child that watches stdin ends with the bench.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const int KeptLines = 20;

    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(10);

    private readonly Queue<string> lastLines = new();
    private readonly Regex? readyLine;
    private readonly TaskCompletionSource<Match> readyLineSeen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource exitedEarly = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process, Regex? readyLine)
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
    public static Task<(ChildProcess Child, Match Ready)> StartAsync(
        string name,
        string dll,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string> environment,
        Regex readyLine,
        TimeSpan timeout,
        CancellationToken cancellationToken) =>
        StartAsync(name, dll, arguments, environment, readyLine, (child, _) => child.readyLineSeen.Task, timeout, cancellationToken);

    /// <summary>
    /// Starts <paramref name="dll"/> and returns once <paramref name="waitReady"/> completes (e.g. the
    /// child has written a ready file), with its result; the wait is cancelled when the child exits first.
    /// </summary>
    /// <exception cref="ChildProcessException">The child exited, or was not ready within <paramref name="timeout"/>.</exception>
    public static Task<(ChildProcess Child, T Ready)> StartAsync<T>(
        string name,
        string dll,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string> environment,
        Func<CancellationToken, Task<T>> waitReady,
        TimeSpan timeout,
        CancellationToken cancellationToken) =>
        StartAsync(name, dll, arguments, environment, readyLine: null, (_, token) => waitReady(token), timeout, cancellationToken);

    private static async Task<(ChildProcess Child, T Ready)> StartAsync<T>(
        string name,
        string dll,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string> environment,
        Regex? readyLine,
        Func<ChildProcess, CancellationToken, Task<T>> waitReady,
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
            child.exitedEarly.TrySetException(new ChildProcessException(
                $"{name} exited with code {process.ExitCode} before it was ready:{Environment.NewLine}{child.RecentOutput}"));
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            var ready = waitReady(child, waiting.Token);
            if (await Task.WhenAny(ready, child.exitedEarly.Task).WaitAsync(timeout, cancellationToken) != ready)
            {
                await child.exitedEarly.Task;
            }

            var result = await ready;

            // Ready: an exit from now on is the caller's to notice, not a start-up failure.
            child.exitedEarly.TrySetResult();
            return (child, result);
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
        finally
        {
            await waiting.CancelAsync();
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

        if (readyLine?.Match(line) is { Success: true } match)
        {
            readyLineSeen.TrySetResult(match);
        }
    }
}
