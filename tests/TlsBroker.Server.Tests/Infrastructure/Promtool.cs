using TlsBroker.Testing;

namespace TlsBroker.Server.Tests.Infrastructure;

/// <summary>
/// Prometheus' own checker (<c>promtool check metrics</c>, Debian package <c>prometheus</c>): exit
/// 0 when the exposition parses and passes its lint rules, 3 when it parses but some metric
/// breaks a lint rule (each named on its own line), 1 when it does not parse.
/// </summary>
internal static class Promtool
{
    public static Task<(int ExitCode, string Output)> CheckMetricsAsync(string exposition) =>
        BoundedCommand.RunAsync("promtool", ["check", "metrics"], exposition);
}
