namespace TlsBroker.Bench.Server;

/// <summary>
/// How bench-server is started and says that it is ready: the CLI command that hosts it
/// (<c>tlsbroker bench-server</c>), the options the bench passes, and the line it prints once it accepts connections.
/// </summary>
internal static class BenchServerCommandLine
{
    /// <summary>The CLI assembly that hosts the command, next to the bench's own.</summary>
    public const string HostDll = "tlsbroker.dll";

    public const string Name = "bench-server";

    /// <summary>The first line bench-server prints on stdout once it accepts connections; the bench waits for it.</summary>
    public const string ListeningLinePrefix = "bench-server listening on 127.0.0.1:";

    public const string PortOption = "--port";

    public const string RootOutOption = "--root-out";

    public const string ExitOnStdinEofOption = "--exit-on-stdin-eof";
}
