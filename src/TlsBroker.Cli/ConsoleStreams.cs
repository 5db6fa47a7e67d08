namespace TlsBroker.Cli;

/// <summary>Where a command reads and writes, so that tests can run it without a process.</summary>
/// <param name="Input">Application data to send (stdin), read as bytes.</param>
/// <param name="Output">Decrypted application data (stdout), written as bytes.</param>
/// <param name="Error">Status lines and diagnostics (stderr).</param>
internal sealed record ConsoleStreams(Stream Input, Stream Output, TextWriter Error)
{
    public static ConsoleStreams FromConsole() =>
        new(Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Error);
}
