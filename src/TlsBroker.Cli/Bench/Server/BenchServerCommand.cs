using System.CommandLine;
using System.CommandLine.Parsing;
using TlsBroker.Bench.Server;

namespace TlsBroker.Cli.Bench.Server;

/// <summary>The <c>bench-server</c> command's syntax: a loopback TLS server for <c>tlsbroker bench</c> and for trying things out.</summary>
internal static class BenchServerCommand
{
    private const string Description =
        "Run a TLS server on 127.0.0.1 for `tlsbroker bench --local-server` (which starts it itself) or for tests: "
        + "SslStream, TLS 1.2 and 1.3, session resumption allowed, a certificate chain generated at start "
        + "(ECDSA P-256 root -> intermediate -> leaf for localhost and 127.0.0.1). The first plaintext byte of a session "
        + "selects what the server does: 'D' + 8-byte big-endian length = it sends that many bytes in 16 KiB writes, "
        + "then close_notify; 'U' + length = it reads that many bytes and replies with one byte; 'E' = it echoes until "
        + "the client closes; anything else = it closes. Stop it with Ctrl+C.";

    /// <summary>Printed after the options by <c>bench-server --help</c>.</summary>
    public const string HelpEpilog = """
        Output (stdout): first "bench-server listening on 127.0.0.1:PORT", then the root certificate
        as PEM unless --root-out is given. On exit (stderr): how many connections were served and failed.

        Exit codes:
          0    stopped by Ctrl+C, SIGTERM or (with --exit-on-stdin-eof) the end of stdin
          2    usage error
          3    cannot listen on 127.0.0.1:PORT (e.g. the port is in use)
        """;

    public static Command Create(Func<BenchServerSettings, CancellationToken, Task<int>> run)
    {
        var port = new Option<int>(BenchServerCommandLine.PortOption)
        {
            HelpName = "PORT",
            Description = "TCP port on 127.0.0.1; 0 takes a free port.",
            DefaultValueFactory = _ => 0,
            CustomParser = ParsePort,
        };
        var rootOut = new Option<FileInfo>(BenchServerCommandLine.RootOutOption)
        {
            HelpName = "FILE",
            Description = "Write the generated root certificate (PEM) to FILE instead of printing it.",
        };
        var exitOnStdinEof = new Option<bool>(BenchServerCommandLine.ExitOnStdinEofOption)
        {
            Description = "Stop when stdin ends, so that a parent holding the pipe takes the server with it when it exits.",
        };

        var command = new Command(BenchServerCommandLine.Name, Description) { port, rootOut, exitOnStdinEof };
        command.SetAction((parseResult, cancellationToken) => run(
            new BenchServerSettings
            {
                Port = parseResult.GetValue(port),
                RootOut = parseResult.GetValue(rootOut),
                ExitOnStdinEof = parseResult.GetValue(exitOnStdinEof),
            },
            cancellationToken));
        return command;
    }

    private static int ParsePort(ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        if (int.TryParse(text, out var port) && port is >= 0 and <= 65535)
        {
            return port;
        }

        result.AddError($"'{text}' is not a TCP port: use a number from 0 to 65535");
        return default;
    }
}
