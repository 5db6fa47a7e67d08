using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TlsBroker.Testing.Peers;

/// <summary>
/// A real TLS peer (openssl, gnutls-serv, nginx) run as a child process on 127.0.0.1. It is
/// ready once its output shows a marker line or its port accepts connections; it is killed on
/// dispose. Its output is kept so that a failing test can show what the peer said.
/// </summary>
public sealed class PeerProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string? readyMarker;
    private TaskCompletionSource lineArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PeerProcess(string fileName, IReadOnlyList<string> arguments, string? readyMarker, IReadOnlyDictionary<string, string>? environment)
    {
        this.readyMarker = readyMarker;
        process = new Process { StartInfo = BoundedCommand.Redirected(fileName, arguments), EnableRaisingEvents = true };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            process.StartInfo.Environment[name] = value;
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"{fileName} exited early:\n{Output}"));
        CommandLine = fileName + " " + string.Join(' ', arguments);
    }

    public string CommandLine { get; }

    /// <summary>The operating system's id of the peer's process, to tell after a stop that it is gone.</summary>
    public int ProcessId => process.Id;

    /// <summary>Everything the peer printed so far, for failure messages.</summary>
    public string Output => string.Join('\n', output);

    public StreamWriter StandardInput => process.StandardInput;

    /// <summary>The child's process id, to signal it (SIGHUP, SIGTERM) or kill it from outside as a crash would.</summary>
    public int Id => process.Id;

    /// <summary>How many whole lines of the output so far equal <paramref name="line"/> (surrounding spaces ignored).</summary>
    public int CountLines(string line) => output.Count(printed => printed.Trim() == line);

    /// <summary>
    /// Waits until the peer has printed <paramref name="line"/> at least <paramref name="count"/> times:
    /// a peer reports on a connection through a pipe, so its report may come after the connection's last byte.
    /// </summary>
    public Task WaitForLinesAsync(string line, int count) =>
        WaitUntilAsync(() => CountLines(line) >= count, () => $"'{line}' printed {CountLines(line)} times, expected {count}");

    /// <summary>Waits until a line of the peer's output contains <paramref name="fragment"/> (an error line with a varying prefix ...).</summary>
    public Task WaitForOutputAsync(string fragment) =>
        WaitUntilAsync(() => output.Any(line => line.Contains(fragment, StringComparison.Ordinal)), () => $"'{fragment}' not printed");

    /// <summary>Waits until the peer has printed a line containing <paramref name="fragment"/> at least <paramref name="count"/> times.</summary>
    public async Task WaitForLineContainingAsync(string fragment, int count = 1)
    {
        while (true)
        {
            var next = Volatile.Read(ref lineArrived);
            if (CountLinesContaining(fragment) >= count)
            {
                return;
            }

            try
            {
                await next.Task.WaitAsync(TestTimeouts.Step);
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException($"a line containing '{fragment}' printed {CountLinesContaining(fragment)} times, expected {count}:\n{Output}", e);
            }
        }
    }

    /// <summary>How many lines of the output so far contain <paramref name="fragment"/>.</summary>
    public int CountLinesContaining(string fragment) => output.Count(printed => printed.Contains(fragment, StringComparison.Ordinal));

    /// <summary>
    /// Starts <paramref name="fileName"/> and waits until it prints <paramref name="readyMarker"/>
    /// or, when the marker is null, until <paramref name="port"/> accepts a TCP connection.
    /// <paramref name="environment"/> adds variables to the child's environment only: unlike
    /// arguments they never show in <see cref="CommandLine"/> or a failure message, so secrets go there.
    /// </summary>
    public static async Task<PeerProcess> StartAsync(
        string fileName, IReadOnlyList<string> arguments, int port, string? readyMarker = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var peer = new PeerProcess(fileName, arguments, readyMarker, environment);
        peer.process.Start();
        peer.process.BeginOutputReadLine();
        peer.process.BeginErrorReadLine();
        try
        {
            var wait = readyMarker is null ? peer.WaitForPortAsync(port) : peer.ready.Task;
            await wait.WaitAsync(TestTimeouts.Step);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            await peer.DisposeAsync();
            throw new InvalidOperationException($"peer did not become ready: {peer.CommandLine}\n{peer.Output}", e);
        }

        return peer;
    }

    /// <summary>
    /// Starts a peer that listens on <see cref="FreePort"/>. Another process may take that port before
    /// the peer binds it (the ephemeral range is shared with every outgoing connection on the machine),
    /// so a peer that exits because its address is in use is started again on a new port, twice at most.
    /// </summary>
    /// <param name="arguments">The peer's arguments for a port (a peer configured by file writes the file here).</param>
    public static async Task<(PeerProcess Process, int Port)> StartOnFreePortAsync(
        string fileName, Func<int, IReadOnlyList<string>> arguments, string? readyMarker = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            try
            {
                return (await StartAsync(fileName, arguments(port), port, readyMarker, environment), port);
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("Address already in use", StringComparison.Ordinal))
            {
                // Taken in between: try another port.
            }
        }
    }

    /// <summary>A port on 127.0.0.1 that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TestTimeouts.Step);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone: nothing left to stop.
        }

        process.Dispose();
    }

    private async Task WaitUntilAsync(Func<bool> done, Func<string> failure)
    {
        while (true)
        {
            var next = Volatile.Read(ref lineArrived);
            if (done())
            {
                return;
            }

            try
            {
                await next.Task.WaitAsync(TestTimeouts.Step);
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException($"{failure()}:\n{Output}", e);
            }
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        Interlocked.Exchange(ref lineArrived, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        if (readyMarker is not null && line.Contains(readyMarker, StringComparison.Ordinal))
        {
            ready.TrySetResult();
        }
    }

    private async Task WaitForPortAsync(int port)
    {
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"exited with {process.ExitCode}:\n{Output}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
    }
}
