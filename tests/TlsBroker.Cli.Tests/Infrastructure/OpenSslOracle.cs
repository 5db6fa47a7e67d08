using TlsBroker.Testing;
using TlsBroker.Testing.Peers;

namespace TlsBroker.Cli.Tests.Infrastructure;

/// <summary>What OpenSSL itself says, so that tests compare against OpenSSL rather than hard-coded values.</summary>
internal static class OpenSslOracle
{
    /// <summary>The IANA name of an OpenSSL cipher name, from <c>openssl ciphers -stdname</c> (TLS 1.3 names are the same in both).</summary>
    public static async Task<string> IanaCipherNameAsync(string openSslName)
    {
        var (_, output) = await OpenSslCommand.RunAsync(["ciphers", "-stdname", "ALL:COMPLEMENTOFALL"]);
        foreach (var line in output.Split('\n'))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields is [var iana, "-", var name, ..] && name == openSslName)
            {
                return iana;
            }
        }

        throw new InvalidOperationException($"openssl ciphers does not know {openSslName}");
    }

    /// <summary>Waits (bounded) until s_server has printed <paramref name="label"/> and returns the rest of that line, e.g. "Ciphersuite: " → "TLS_AES_256_GCM_SHA384".</summary>
    public static async Task<string> ServerReportAsync(OpenSslServer server, string label)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Step);
        while (true)
        {
            var line = server.Output.Split('\n').FirstOrDefault(l => l.StartsWith(label, StringComparison.Ordinal));
            if (line is not null)
            {
                return line[label.Length..].Trim();
            }

            Assert.False(timeout.IsCancellationRequested, $"s_server never printed '{label}':\n{server.Output}");
            await Task.Delay(TimeSpan.FromMilliseconds(20), CancellationToken.None);
        }
    }
}
