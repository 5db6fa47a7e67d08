using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing;

namespace TlsBroker.Server.Tests;

/// <summary>The broker refuses to start on bad configuration, listing every problem at once.</summary>
public sealed class OptionsValidationTests
{
    [Fact]
    [Trait("Category", "Unit")]
    public async Task Start_EveryScalarOutOfRange_FailsListingEveryProblem()
    {
        string[] args =
        [
            "--Broker:ListenAddress=not-an-address",
            "--Broker:Port=70000",
            "--Broker:AdminPort=-2",
            "--Broker:MaxConcurrentSessions=0",
            "--Broker:MaxMessageBytes=10",
            "--Broker:MaxBufferedResponseBytes=1000",
            "--Broker:HandshakeTimeout=00:00:00",
            "--Broker:IdleTimeout=2.00:00:00",
        ];
        await using var app = BrokerApp.Create(args);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync().WaitAsync(TestTimeouts.Step));

        foreach (var key in new[] { "ListenAddress", "Port", "AdminPort", "MaxConcurrentSessions", "MaxMessageBytes", "MaxBufferedResponseBytes", "HandshakeTimeout", "IdleTimeout" })
        {
            Assert.Contains(error.Failures, failure => failure.StartsWith($"Broker:{key} ", StringComparison.Ordinal));
        }
    }

    [Fact]
    [Trait("Category", "Unit")]
    public async Task Start_InvalidPolicies_FailsListingEveryPolicyProblem()
    {
        var missing = Path.Combine(Path.GetTempPath(), "tlsbroker-tests", "no-such-anchors.pem");
        string[] args =
        [
            $"--Broker:Policies:default:TrustAnchors={missing}",
            "--Broker:Policies:other:MinVersion=1.0",
            "--Broker:Port=70000",
        ];
        await using var app = BrokerApp.Create(args);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync().WaitAsync(TestTimeouts.Step));

        Assert.Contains(error.Failures, failure => failure.StartsWith("Broker:Policies:default:", StringComparison.Ordinal));
        Assert.Contains(error.Failures, failure => failure.StartsWith("Broker:Policies:other:", StringComparison.Ordinal));
        Assert.Contains(error.Failures, failure => failure.StartsWith("Broker:Port ", StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Category", "Unit")]
    public async Task Start_BadClientIdentityAndPins_FailsListingEachProblem()
    {
        var folder = Path.Combine(Path.GetTempPath(), "tlsbroker-tests", "no-such-identity");
        string[] args =
        [
            $"--Broker:Policies:mtls:ClientIdentity:CertificateFile={Path.Combine(folder, "client.pem")}",
            $"--Broker:Policies:mtls:ClientIdentity:KeyFile={Path.Combine(folder, "client.key")}",
            "--Broker:Policies:mtls:Pins:0=too-short",
        ];
        await using var app = BrokerApp.Create(args);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync().WaitAsync(TestTimeouts.Step));

        Assert.Contains(error.Failures, failure => failure.StartsWith("Broker:Policies:mtls: ClientIdentity:CertificateFile", StringComparison.Ordinal) && failure.Contains("file not found", StringComparison.Ordinal));
        Assert.Contains(error.Failures, failure => failure.StartsWith("Broker:Policies:mtls: ClientIdentity:KeyFile", StringComparison.Ordinal) && failure.Contains("file not found", StringComparison.Ordinal));
        Assert.Contains(error.Failures, failure => failure.StartsWith("Broker:Policies:mtls: Pins: 'too-short'", StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Category", "Unit")]
    public async Task Start_BadExtendedKeyUsageAndMaxDepth_FailsListingEachProblem()
    {
        string[] args =
        [
            "--Broker:Policies:knobs:ExtendedKeyUsages:0=clientAuth",
            "--Broker:Policies:knobs:ExtendedKeyUsages:1=1.3.6.x",
            "--Broker:Policies:knobs:MaxDepth=101",
        ];
        await using var app = BrokerApp.Create(args);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync().WaitAsync(TestTimeouts.Step));

        Assert.Contains(error.Failures, failure => failure.StartsWith("Broker:Policies:knobs: ExtendedKeyUsages: '1.3.6.x'", StringComparison.Ordinal));
        Assert.Contains(error.Failures, failure => failure.StartsWith("Broker:Policies:knobs: MaxDepth is 101", StringComparison.Ordinal));
        Assert.Equal(2, error.Failures.Count(failure => failure.StartsWith("Broker:Policies:knobs:", StringComparison.Ordinal)));
    }

    [Fact]
    [Trait("Category", "Unit")]
    public async Task Start_BadTelemetryOptions_FailsListingBoth()
    {
        await using var app = BrokerApp.Create(["--Broker:Telemetry:OtlpEndpoint=localhost:4317", "--Broker:Telemetry:OtlpProtocol=udp"]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync().WaitAsync(TestTimeouts.Step));

        Assert.Contains(error.Failures, failure => failure.StartsWith("Broker:Telemetry:OtlpEndpoint 'localhost:4317' ", StringComparison.Ordinal));
        Assert.Contains(error.Failures, failure => failure.StartsWith("Broker:Telemetry:OtlpProtocol 'udp' ", StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Category", "Unit")]
    public async Task Start_AdminPortSameAsPort_Fails()
    {
        await using var app = BrokerApp.Create(["--Broker:Port=5101", "--Broker:AdminPort=5101"]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync().WaitAsync(TestTimeouts.Step));

        Assert.Contains(error.Failures, failure => failure.StartsWith("Broker:AdminPort is 5101, the same as Broker:Port", StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Category", "Functional")]
    public async Task Start_AdminPortOff_ListensForGrpcOnly()
    {
        await using var broker = await BrokerHost.StartAsync(["Broker:AdminPort=-1"]);

        Assert.Null(broker.AdminAddress);
        Assert.Equal(Uri.UriSchemeHttp, broker.Address.Scheme);
    }

    [Fact]
    [Trait("Category", "Unit")]
    public async Task Create_NoArguments_EmbeddedDefaults()
    {
        await using var app = BrokerApp.Create([]);

        var options = app.Configuration.GetSection(BrokerOptions.SectionName).Get<BrokerOptions>()!;

        Assert.Equal("127.0.0.1", options.ListenAddress);
        Assert.Equal(5001, options.Port);
        Assert.Equal(5002, options.AdminPort);
        Assert.Equal(10_000, options.MaxConcurrentSessions);
        Assert.Equal(1024 * 1024, options.MaxMessageBytes);
        Assert.Equal(TimeSpan.FromSeconds(30), options.HandshakeTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), options.IdleTimeout);
        Assert.Equal("system", Assert.Single(options.Policies).Value.TrustAnchors);
        Assert.Equal("default", options.Policies.Keys.Single());
    }

    [Fact]
    [Trait("Category", "Unit")]
    public async Task Create_TrustAnchorsOnCommandLine_OverridesDefaultPolicy()
    {
        await using var app = BrokerApp.Create(["--Broker:Policies:default:TrustAnchors=/etc/ssl/custom.pem"]);

        var options = app.Configuration.GetSection(BrokerOptions.SectionName).Get<BrokerOptions>()!;

        Assert.Equal("/etc/ssl/custom.pem", options.Policies["default"].TrustAnchors);
    }

    [Fact]
    [Trait("Category", "Unit")]
    public async Task Create_ExtendedKeyUsagesAndMaxDepthInConfiguration_BindToThePolicy()
    {
        await using var app = BrokerApp.Create(
            ["--Broker:Policies:default:ExtendedKeyUsages:0=clientAuth", "--Broker:Policies:default:ExtendedKeyUsages:1=1.3.6.1.4.1.99999.1", "--Broker:Policies:default:MaxDepth=3"]);

        var options = app.Configuration.GetSection(BrokerOptions.SectionName).Get<BrokerOptions>()!;

        Assert.Equal(["clientAuth", "1.3.6.1.4.1.99999.1"], options.Policies["default"].ExtendedKeyUsages);
        Assert.Equal(3, options.Policies["default"].MaxDepth);
    }
}
