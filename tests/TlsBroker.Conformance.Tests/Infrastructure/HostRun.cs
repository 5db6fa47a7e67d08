using System.Collections.Concurrent;
using System.Diagnostics;
using TlsBroker.Testing;

namespace TlsBroker.Conformance.Tests.Infrastructure;

/// <summary>
/// The built conformance host (<c>dotnet TlsBroker.Conformance.dll</c>) run as its own process,
/// as run-all and CI run it, with its standard streams redirected: the command inherits them, so a
/// test talks to the command through them (a line on stdin, the lines it prints).
/// </summary>
internal sealed class HostRun : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();
    private readonly SemaphoreSlim lineArrived = new(0);

    private HostRun(IReadOnlyList<string> arguments, string? path)
    {
        var startInfo = new ProcessStartInfo(DotnetPath())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "TlsBroker.Conformance.dll"));
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (path is not null)
        {
            startInfo.Environment["PATH"] = path;
        }

        process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
    }

    public int ProcessId => process.Id;

    /// <summary>Everything host and command printed so far (stdout and stderr), for assertions and failure messages.</summary>
    public string Output => string.Join('\n', output);

    public static HostRun Start(params string[] arguments) => StartWithPath(null, arguments);

    /// <summary>Starts the host with <paramref name="path"/> as its PATH (null: the test's own), e.g. one without the peers' tools.</summary>
    public static HostRun StartWithPath(string? path, params string[] arguments)
    {
        var run = new HostRun(arguments, path);
        run.process.Start();
        run.process.BeginOutputReadLine();
        run.process.BeginErrorReadLine();
        return run;
    }

    /// <summary>The rest of the first line printed that starts with <paramref name="prefix"/>, waiting for it.</summary>
    public async Task<string> WaitForLineAsync(string prefix)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Scenario);
        while (true)
        {
            var line = output.FirstOrDefault(printed => printed.StartsWith(prefix, StringComparison.Ordinal));
            if (line is not null)
            {
                return line[prefix.Length..];
            }

            if (process.HasExited && !await lineArrived.WaitAsync(TimeSpan.FromSeconds(1)))
            {
                throw new InvalidOperationException($"the host exited ({process.ExitCode}) without printing '{prefix}':\n{Output}");
            }

            try
            {
                await lineArrived.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException e)
            {
                throw new TimeoutException($"no line starting '{prefix}' within {TestTimeouts.Scenario}:\n{Output}", e);
            }
        }
    }

    public async Task WriteLineAsync(string line)
    {
        await process.StandardInput.WriteLineAsync(line).WaitAsync(TestTimeouts.Step);
        await process.StandardInput.FlushAsync().WaitAsync(TestTimeouts.Step);
    }

    /// <summary>The host's exit code, once it has exited and its output has been read to the end.</summary>
    public async Task<int> WaitForExitAsync()
    {
        try
        {
            await process.WaitForExitAsync().WaitAsync(TestTimeouts.Scenario);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"the host did not exit within {TestTimeouts.Scenario}:\n{Output}", e);
        }

        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TestTimeouts.Step);
        }

        process.Dispose();
        lineArrived.Dispose();
    }

    /// <summary>The dotnet muxer by its full path, so the host starts even with a PATH that lacks it.</summary>
    private static string DotnetPath() =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "dotnet"))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("dotnet is not on PATH");

    private void OnLine(string? line)
    {
        if (line is not null)
        {
            output.Enqueue(line);
            lineArrived.Release();
        }
    }
}
