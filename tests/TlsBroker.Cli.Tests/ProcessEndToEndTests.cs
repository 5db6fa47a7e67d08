using System.Diagnostics;
using TlsBroker.Cli.Tests.Infrastructure;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;

namespace TlsBroker.Cli.Tests;

/// <summary>The built <c>tlsbroker</c> binary as a child process, the way a user runs it.</summary>
[Trait("Category", "Functional")]
public sealed class ProcessEndToEndTests(BrokerWithTestChain fixture) : IClassFixture<BrokerWithTestChain>
{
    [Fact]
    public async Task TlsbrokerDll_ConnectThroughBroker_RelaysStdinAndExitsZero()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev");
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            Path.Combine(AppContext.BaseDirectory, "tlsbroker.dll"),
            "connect", $"127.0.0.1:{server.Port}", "--servername", "localhost", "--broker", fixture.BrokerAddress.ToString(),
        ];
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync("hello\nCLOSE\n");
        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TestTimeouts.Scenario);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var report = $"exit {process.ExitCode}\nstdout:\n{await stdout}\nstderr:\n{await stderr}";
        Assert.True(process.ExitCode == ExitCodes.Success, report);
        Assert.Equal("olleh\n", await stdout);
        Assert.StartsWith("ret=1 error=SSL_ERROR_NONE version=TLSv1.", await stderr, StringComparison.Ordinal);
        Assert.EndsWith("ret=0 error=SSL_ERROR_ZERO_RETURN\n", await stderr, StringComparison.Ordinal);
    }
}
