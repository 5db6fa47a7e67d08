using System.Text;
using TlsBroker.Testing;

namespace TlsBroker.Cli.Tests.Infrastructure;

/// <summary>One in-process run of the <c>tlsbroker</c> command line with piped stdin and captured stdout/stderr.</summary>
internal sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public static Task<CliRun> InvokeAsync(string stdin, params string[] args) =>
        InvokeAsync(new MemoryStream(Encoding.UTF8.GetBytes(stdin)), args);

    public static Task<CliRun> InvokeAsync(Stream input, params string[] args) => InvokeWithinAsync(TestTimeouts.Scenario, input, args);

    /// <summary>A run allowed <paramref name="timeout"/> rather than one scenario's time (a bench run starting two child processes).</summary>
    public static async Task<CliRun> InvokeWithinAsync(TimeSpan timeout, Stream input, params string[] args)
    {
        using var output = new MemoryStream();
        await using var error = new StringWriter();
        var exitCode = await TlsBrokerCommandLine.RunAsync(args, new ConsoleStreams(input, output, error))
            .WaitAsync(timeout);
        return new CliRun(exitCode, Encoding.UTF8.GetString(output.ToArray()), error.ToString());
    }

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
