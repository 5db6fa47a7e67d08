using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using TlsBroker.Conformance.Results;

namespace TlsBroker.Conformance;

/// <summary>The host's command line: <c>-- &lt;command&gt; [args...]</c> runs a command in the environment; <c>table</c> renders results files.</summary>
internal static class HostCommandLine
{
    public static readonly TimeSpan DefaultTimeLimit = TimeSpan.FromMinutes(15);

    public static RootCommand Create(TextWriter output, TextWriter log)
    {
        var timeLimit = new Option<TimeSpan>("--timeout")
        {
            HelpName = "SECONDS|HH:MM:SS",
            Description = "Time limit for the command; then it is killed and the host exits with 124. (Starting the environment is bounded on its own, 20 s per process.)",
            DefaultValueFactory = _ => DefaultTimeLimit,
            CustomParser = ParseTimeLimit,
        };
        var results = new Option<string>("--results")
        {
            HelpName = "FILE",
            Description = "Results file to give the command (emptied first) and keep afterwards. [default: one inside the run's temporary folder]",
        };
        var command = new Argument<string[]>("command")
        {
            Description = "The command to run in the environment, after --, with its arguments.",
            Arity = ArgumentArity.OneOrMore,
        };
        var root = new RootCommand(
            "Start the TlsBroker conformance environment (tests/conformance/README.md), run one command in it with "
            + "TLSBROKER_CONFORMANCE and TLSBROKER_CONFORMANCE_RESULTS set, print its results and stop everything. "
            + "Exits with the command's exit code, 1 when the environment does not start, 124 after the time limit.")
        {
            timeLimit, results, command, CreateTableCommand(output),
        };
        root.SetAction((parseResult, _) => ConformanceHost.RunAsync(
            parseResult.GetRequiredValue(command), parseResult.GetRequiredValue(timeLimit), parseResult.GetValue(results), output, log));
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var output = Console.Out;
        var log = Console.Error;
        var parseResult = Create(output, log).Parse(args);

        // The host handles SIGINT/SIGTERM itself: stopping the environment may take longer than
        // System.CommandLine's grace period, after which it would return with processes still running.
        var configuration = new InvocationConfiguration { Output = output, Error = log, ProcessTerminationTimeout = null };
        return await parseResult.InvokeAsync(configuration);
    }

    private static Command CreateTableCommand(TextWriter output)
    {
        var markdown = new Option<bool>("--markdown") { Description = "A markdown table, cases down and clients across (for README)." };
        var clients = new Option<string[]>("--clients")
        {
            HelpName = "LIST",
            Description = "The columns of the markdown table, comma-separated, e.g. python,node,go,dotnet. [default: every client that reported]",
            CustomParser = result => [.. result.Tokens.SelectMany(token => token.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
        };
        var files = new Argument<string[]>("results") { Description = "Results files (one JSON object per line).", Arity = ArgumentArity.OneOrMore };
        var table = new Command("table", "Print the table of one or more results files; exits 1 when any case failed.") { markdown, clients, files };
        table.SetAction(async (parseResult, _) =>
        {
            var results = new ResultsTable(parseResult.GetRequiredValue(files).SelectMany(ResultsFile.Read));
            if (parseResult.GetValue(markdown))
            {
                await output.WriteLineAsync(results.ToMarkdown(parseResult.GetValue(clients)));
                await output.WriteLineAsync($"conformance: {results.Passed} passed, {results.Failed} failed");
            }
            else
            {
                await output.WriteAsync(results.ToText());
            }

            return results.Failed > 0 ? 1 : 0;
        });
        return table;
    }

    private static TimeSpan ParseTimeLimit(ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero)
        {
            return span;
        }

        result.AddError($"--timeout: '{text}' is neither a positive number of seconds nor HH:MM:SS");
        return TimeSpan.Zero;
    }
}
