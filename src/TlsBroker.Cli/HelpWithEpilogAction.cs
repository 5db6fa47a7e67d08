using System.CommandLine;
using System.CommandLine.Invocation;

namespace TlsBroker.Cli;

/// <summary>
/// The standard help, followed by an epilog for one command (status lines, exit codes).
/// System.CommandLine's help layout hooks are internal, so this wraps its help action instead.
/// </summary>
internal sealed class HelpWithEpilogAction : SynchronousCommandLineAction
{
    private readonly SynchronousCommandLineAction standardHelp;
    private readonly Command command;
    private readonly string epilog;

    public HelpWithEpilogAction(SynchronousCommandLineAction standardHelp, Command command, string epilog)
    {
        this.standardHelp = standardHelp;
        this.command = command;
        this.epilog = epilog;
    }

    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        var exitCode = standardHelp.Invoke(parseResult);
        if (parseResult.CommandResult.Command == command)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(epilog);
        }

        return exitCode;
    }
}
