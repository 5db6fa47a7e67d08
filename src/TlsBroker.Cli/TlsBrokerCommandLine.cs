using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Text;
using TlsBroker.Cli.ApiKey;
using TlsBroker.Cli.Bench;
using TlsBroker.Cli.Bench.Server;
using TlsBroker.Cli.Connect;
using TlsBroker.Cli.Verify;

namespace TlsBroker.Cli;

/// <summary>The <c>tlsbroker</c> command line: its commands, and how a run turns into an exit code.</summary>
internal static class TlsBrokerCommandLine
{
    public static RootCommand Create(ConsoleStreams console)
    {
        var connect = ConnectCommand.Create(new ConnectRunner(console).RunAsync);
        var bench = BenchCommand.Create(new BenchRunner(console).RunAsync);
        var benchServer = BenchServerCommand.Create(new BenchServerRunner(console).RunAsync);
        var apiKeys = new ApiKeyRunner(console);
        var apiKey = ApiKeyCommand.Create(apiKeys.NewAsync, apiKeys.HashAsync);
        var verify = VerifyCommand.Create(new VerifyRunner(console).RunAsync);
        var root = new RootCommand("tlsbroker: use a TlsBroker (TLS handshake-as-a-service) from the command line.") { connect, verify, bench, benchServer, apiKey };
        var help = root.Options.OfType<HelpOption>().Single();
        if (help.Action is SynchronousCommandLineAction standardHelp)
        {
            help.Action = new HelpWithEpilogAction(standardHelp, new Dictionary<Command, string>
            {
                [connect] = ConnectCommand.HelpEpilog,
                [verify] = VerifyCommand.HelpEpilog,
                [bench] = BenchCommand.HelpEpilog,
                [benchServer] = BenchServerCommand.HelpEpilog,
                [apiKey] = ApiKeyCommand.HelpEpilog,
            });
        }

        return root;
    }

    /// <returns>One of <see cref="ExitCodes"/>; a command line that does not parse gives <see cref="ExitCodes.Usage"/>.</returns>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, ConsoleStreams console, CancellationToken cancellationToken = default)
    {
        var parseResult = Create(console).Parse(args);
        await using var output = new StreamWriter(console.Output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true) { AutoFlush = true };
        var configuration = new InvocationConfiguration { Output = output, Error = console.Error };
        if (parseResult.Action is ParseErrorAction parseError)
        {
            // The errors and a pointer to --help; the whole help text would bury the errors.
            parseError.ShowHelp = false;
            await parseResult.InvokeAsync(configuration, cancellationToken);
            var command = parseResult.CommandResult.Command is RootCommand ? "tlsbroker" : $"tlsbroker {parseResult.CommandResult.Command.Name}";
            await console.Error.WriteLineAsync($"Run '{command} --help' for usage.");
            return ExitCodes.Usage;
        }

        return await parseResult.InvokeAsync(configuration, cancellationToken);
    }
}
