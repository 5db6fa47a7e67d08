using System.Security.Authentication;
using System.Text;
using Grpc.Core;
using TlsBroker.Cli.Bench.Paths;
using TlsBroker.Cli.Bench.Phases;
using TlsBroker.Cli.Bench.Report;
using TlsBroker.Client;

namespace TlsBroker.Cli.Bench;

/// <summary>
/// <c>tlsbroker bench</c>: sets up the target, the broker and the paths, checks that every path
/// completes a verified handshake, runs the phases one after the other (progress on stderr), then
/// prints the tables and ratios on stdout and writes --json.
/// </summary>
internal sealed class BenchRunner
{
    private readonly ConsoleStreams console;

    public BenchRunner(ConsoleStreams console)
    {
        this.console = console;
    }

    /// <returns>One of <see cref="ExitCodes"/>, as listed in <see cref="BenchCommand.HelpEpilog"/>.</returns>
    public async Task<int> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var startedUtc = DateTimeOffset.UtcNow;
        try
        {
            await using var setup = await BenchSetup.CreateAsync(settings, cancellationToken);
            await PreflightAsync(setup, settings, cancellationToken);
            var phases = new PhaseSequence(setup, settings, Progress);
            var report = await phases.RunAsync(startedUtc, cancellationToken);

            await using (var output = new StreamWriter(console.Output, new UTF8Encoding(false), leaveOpen: true) { AutoFlush = true })
            {
                await output.WriteAsync(ReportTable.Format(report));
            }

            if (settings.Json is { } json)
            {
                await JsonReport.WriteAsync(report, json, cancellationToken);
            }

            return report.HasFailures ? ExitCodes.BenchFailures : ExitCodes.Success;
        }
        catch (BenchSetupException e)
        {
            await console.Error.WriteLineAsync($"tlsbroker bench: {e.Message}");
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await console.Error.WriteLineAsync("tlsbroker bench: interrupted");
            return ExitCodes.Interrupted;
        }
    }

    /// <summary>One handshake per path and TLS version, every failure reported with the exit code of its cause.</summary>
    private static async Task PreflightAsync(BenchSetup setup, BenchSettings settings, CancellationToken cancellationToken)
    {
        foreach (var path in setup.Paths)
        {
            foreach (var version in settings.TlsVersions)
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                deadline.CancelAfter(settings.PhaseTimeout);
                try
                {
                    await new HandshakePhase(path, setup.Target, version).RunOneAsync(deadline.Token);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested && PreflightExitCode(e) is { } exitCode)
                {
                    throw new BenchSetupException(
                        exitCode, $"the {path.Label} path cannot complete a TLS {version.Label()} handshake with {setup.Target.Display}: {e.GetType().Name}: {e.Message}", e);
                }
            }
        }
    }

    private static int? PreflightExitCode(Exception e) => e switch
    {
        RpcException or BrokerException => ExitCodes.BrokerError,
        AuthenticationException or BenchTlsException or BrokerTlsException => ExitCodes.TlsFailure,
        OperationCanceledException or TimeoutException => ExitCodes.Timeout,
        IOException or System.Net.Sockets.SocketException => ExitCodes.ServerUnreachable,
        _ => null,
    };

    private void Progress(string line) => console.Error.WriteLine($"bench: {line}");
}
