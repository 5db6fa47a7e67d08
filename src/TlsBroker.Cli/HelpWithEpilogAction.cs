using System.CommandLine;
using System.CommandLine.Invocation;

namespace TlsBroker.Cli;

/// <summary>
/// The standard help, followed by an epilog for the command it is about (status lines, exit codes).
/// System.CommandLine's help layout hooks are internal, so this wraps its help action instead.
/// </summary>
internal sealed class HelpWithEpilogAction : SynchronousCommandLineAction
{
    private readonly SynchronousCommandLineAction standardHelp;
    private readonly IReadOnlyDictionary<Command, string> epilogs;

    public HelpWithEpilogAction(SynchronousCommandLineAction standardHelp, IReadOnlyDictionary<Command, string> epilogs)
    {
        this.standardHelp = standardHelp;
        this.epilogs = epilogs;
    }

    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        var exitCode = standardHelp.Invoke(parseResult);
        if (epilogs.TryGetValue(parseResult.CommandResult.Command, out var epilog))
        {
            parseResult.InvocationConfiguration.Output.WriteLine(epilog);
        }

        return exitCode;
    }
}
