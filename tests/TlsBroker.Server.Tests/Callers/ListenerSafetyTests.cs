using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TlsBroker.Server.Callers;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests.Callers;

/// <summary>
/// h2c only on loopback, and no listener on the network without caller authentication. The
/// non-loopback addresses here (0.0.0.0, ::, with port 0) are only ever refused: validation stops
/// the host before Kestrel binds, and no test sends traffic to them.
/// </summary>
public sealed class ListenerSafetyTests
{
    [Theory]
    [Trait("Category", "Unit")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    public async Task Start_NetworkAddressWithoutTlsOrCallers_RefusedWithBothReasons(string address)
    {
        await using var app = BrokerApp.Create([$"--Broker:ListenAddress={address}", "--Broker:Port=0", "--Broker:AdminPort=-1"]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync().WaitAsync(TestTimeouts.Step));

        Assert.Equal(2, error.Failures.Count());
        Assert.Contains(error.Failures, failure => failure.Contains("plaintext h2c is allowed on loopback only", StringComparison.Ordinal));
        Assert.Contains(error.Failures, failure => failure.Contains("no caller authentication is configured", StringComparison.Ordinal));
        Assert.All(error.Failures, failure => Assert.Contains("Broker:AllowInsecureNetworkListener=true", failure, StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Category", "Unit")]
    public async Task Start_NetworkAddressWithTlsButNoCallers_RefusedNamingCallers()
    {
        using var chain = TestChain.Create();
        await using var app = BrokerApp.Create(
        [
            "--Broker:ListenAddress=0.0.0.0", "--Broker:Port=0", "--Broker:AdminPort=-1",
            $"--Broker:Tls:CertificateFile={chain.ChainPath}", $"--Broker:Tls:KeyFile={chain.KeyPath}",
        ]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync().WaitAsync(TestTimeouts.Step));

        var failure = Assert.Single(error.Failures);
        Assert.StartsWith("Broker:ListenAddress 0.0.0.0 is not loopback, and no caller authentication is configured", failure, StringComparison.Ordinal);
    }

    /// <summary>The built broker, as an operator runs it: a count, then one line per reason on stderr, exit code 2, no stack trace.</summary>
    [Fact]
    [Trait("Category", "Functional")]
    public async Task Program_NetworkAddressWithoutAuthentication_ExitsWithOneLinePerReason()
    {
        var serverDll = typeof(BrokerApp).Assembly.Location;

        var (exitCode, output) = await BoundedCommand.RunAsync(
            "dotnet", [serverDll, "--Broker:ListenAddress=0.0.0.0", "--Broker:Port=0", "--Broker:AdminPort=-1"]);

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(BrokerApp.InvalidConfigurationExitCode, exitCode);
        Assert.Equal(3, lines.Length);
        Assert.Equal("TlsBroker cannot start: 2 configuration problem(s):", lines[0]);
        Assert.All(lines[1..], line => Assert.StartsWith("Broker:ListenAddress 0.0.0.0 is not loopback", line, StringComparison.Ordinal));
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Unit")]
    public async Task Start_TlsFilesThatDoNotLoad_RefusedListingEach()
    {
        using var chain = TestChain.Create();
        var missing = Path.Combine(chain.Folder, "missing.pem");
        await using var app = BrokerApp.Create(
        [
            "--Broker:Port=0", "--Broker:AdminPort=-1",
            $"--Broker:Tls:CertificateFile={chain.ChainPath}", $"--Broker:Tls:KeyFile={missing}", $"--Broker:Tls:ClientCaFile={missing}",
        ]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync().WaitAsync(TestTimeouts.Step));

        Assert.Contains(error.Failures, failure => failure.StartsWith("Broker:Tls:CertificateFile ", StringComparison.Ordinal));
        Assert.Contains(error.Failures, failure => failure.StartsWith("Broker:Tls:ClientCaFile ", StringComparison.Ordinal));
    }

    /// <summary>
    /// The override passes validation and the start-up check warns. The listener is not started here,
    /// so that no test opens a port beyond loopback.
    /// </summary>
    [Fact]
    [Trait("Category", "Unit")]
    public async Task Validate_InsecureOverride_AcceptedAndWarnsAtStartUp()
    {
        var logs = new CapturingLoggerProvider();
        await using var app = BrokerApp.Create(
            ["--Broker:ListenAddress=0.0.0.0", "--Broker:Port=0", "--Broker:AdminPort=-1", "--Broker:AllowInsecureNetworkListener=true"],
            builder => builder.Logging.AddProvider(logs));

        var options = app.Services.GetRequiredService<IOptions<BrokerOptions>>().Value;
        await app.Services.GetServices<IHostedService>().OfType<CallerStartup>().Single().StartAsync(CancellationToken.None).WaitAsync(TestTimeouts.Step);

        Assert.True(options.AllowInsecureNetworkListener);
        var warning = Assert.Single(logs.Entries, entry => entry.EventId.Id == 202);
        Assert.Equal("in plaintext (h2c) and without caller authentication", warning.Values["Weakness"]);
    }

    [Fact]
    [Trait("Category", "Functional")]
    public async Task Start_LoopbackWithoutCallers_SaysEveryCallerIsAnonymous()
    {
        var logs = new CapturingLoggerProvider();
        await using var broker = await BrokerHost.StartAsync([], builder => builder.Logging.AddProvider(logs));

        var line = Assert.Single(logs.Entries, entry => entry.EventId.Id is 200 or 201);

        Assert.Equal(200, line.EventId.Id);
        Assert.Contains("anonymous and may use every policy", line.Message, StringComparison.Ordinal);
    }
}
