using System.Globalization;

namespace TlsBroker.Cli.Verify;

/// <summary>
/// Prints a verdict as <c>openssl verify</c> does (apps/verify.c): "FILE: OK" on stdout; or, on stderr, the
/// subject of the certificate at fault and "error N at D depth lookup: reason", then "error FILE: verification
/// failed" on stdout.
/// </summary>
internal static class VerifyPrinter
{
    public static async Task PrintAsync(VerifyVerdict verdict, VerifySettings settings, IReadOnlyList<byte[]> sent, TextWriter output, TextWriter error)
    {
        if (verdict.IsAccepted)
        {
            await output.WriteLineAsync($"{settings.ChainFile}: OK");
        }
        else
        {
            var atFault = verdict.Depth < verdict.Path.Count ? verdict.Path[verdict.Depth]
                : verdict.Path.Count == 0 && verdict.Depth < sent.Count ? sent[verdict.Depth]
                : null;
            if (atFault is not null)
            {
                await error.WriteLineAsync(OpenSslNames.Subject(atFault));
            }

            await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"error {verdict.Code} at {verdict.Depth} depth lookup: {verdict.Reason}"));
            await output.WriteLineAsync($"error {settings.ChainFile}: verification failed");
        }

        if (settings.ShowChain)
        {
            await output.WriteLineAsync("Chain:");
            for (var depth = 0; depth < verdict.Path.Count; depth++)
            {
                var anchor = verdict.IsAccepted && depth == verdict.Path.Count - 1;
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"depth={depth}: {OpenSslNames.Subject(verdict.Path[depth])}{(anchor ? string.Empty : " (untrusted)")}"));
            }

            await output.WriteLineAsync($"Pins: {verdict.Pins}");
        }
    }
}
