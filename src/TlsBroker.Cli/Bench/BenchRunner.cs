using System.Text;
using TlsBroker.Bench;
using TlsBroker.Bench.Report;

namespace TlsBroker.Cli.Bench;

/// <summary>
/// <c>tlsbroker bench</c>: runs the bench library (<see cref="BenchRun"/>) with progress on
/// stderr, then prints the tables and ratios on stdout, writes --json, and turns the outcome into an exit code.
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
        try
        {
            var report = await BenchRun.RunAsync(settings, Progress, cancellationToken);
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
            return ExitCode(e.Failure);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await console.Error.WriteLineAsync("tlsbroker bench: interrupted");
            return ExitCodes.Interrupted;
        }
    }

    private static int ExitCode(BenchSetupFailure failure) => failure switch
    {
        BenchSetupFailure.Usage => ExitCodes.Usage,
        BenchSetupFailure.ServerUnreachable => ExitCodes.ServerUnreachable,
        BenchSetupFailure.BrokerError => ExitCodes.BrokerError,
        BenchSetupFailure.TlsFailure => ExitCodes.TlsFailure,
        _ => ExitCodes.Timeout,
    };

    private void Progress(string line) => console.Error.WriteLine($"bench: {line}");
}
