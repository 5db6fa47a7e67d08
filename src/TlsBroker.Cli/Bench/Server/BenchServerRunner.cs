using System.Net.Sockets;
using System.Text;
using TlsBroker.Bench.Server;

namespace TlsBroker.Cli.Bench.Server;

/// <summary><c>tlsbroker bench-server</c>: generates the chain, serves until stopped, reports what it served.</summary>
internal sealed class BenchServerRunner
{
    private readonly ConsoleStreams console;

    public BenchServerRunner(ConsoleStreams console)
    {
        this.console = console;
    }

    /// <returns>One of <see cref="ExitCodes"/>: Success when stopped, ServerUnreachable when it cannot listen.</returns>
    public async Task<int> RunAsync(BenchServerSettings settings, CancellationToken cancellationToken)
    {
        using var chain = BenchCertificateChain.Create();
        BenchServer server;
        try
        {
            server = BenchServer.Start(settings.Port, chain);
        }
        catch (SocketException e)
        {
            await console.Error.WriteLineAsync($"tlsbroker bench-server: cannot listen on 127.0.0.1:{settings.Port}: {e.Message}");
            return ExitCodes.ServerUnreachable;
        }

        await using (server)
        {
            if (settings.RootOut is { } rootOut)
            {
                await File.WriteAllTextAsync(rootOut.FullName, chain.RootPem(), cancellationToken);
            }

            await using (var output = new StreamWriter(console.Output, new UTF8Encoding(false), leaveOpen: true) { AutoFlush = true })
            {
                await output.WriteLineAsync(BenchServerCommandLine.ListeningLinePrefix + server.Port);
                if (settings.RootOut is null)
                {
                    await output.WriteAsync(chain.RootPem());
                }
            }

            await WaitForStopAsync(settings, cancellationToken);
            await console.Error.WriteLineAsync($"tlsbroker bench-server: stopped; {server.Served} connections served, {server.Failed} failed");
        }

        return ExitCodes.Success;
    }

    private async Task WaitForStopAsync(BenchServerSettings settings, CancellationToken cancellationToken)
    {
        var stopped = new TaskCompletionSource();
        await using var registration = cancellationToken.Register(() => stopped.TrySetResult());
        if (settings.ExitOnStdinEof)
        {
            await Task.WhenAny(stopped.Task, ReadToEndAsync(console.Input, cancellationToken));
        }
        else
        {
            await stopped.Task;
        }
    }

    private static async Task ReadToEndAsync(Stream input, CancellationToken cancellationToken)
    {
        var buffer = new byte[256];
        try
        {
            while (await input.ReadAsync(buffer, cancellationToken) > 0)
            {
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped by Ctrl+C while waiting for stdin: the other branch of the wait reports it.
        }
    }
}
