using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests;

/// <summary>
/// A policy's ValidationTime (tests only): refused at start-up unless Broker:AllowValidationTimeOverride is
/// true; when allowed, Verify (and so handshakes, by the same verifier) judges the chain at that time, and
/// the broker warns at start-up and on every applied reload.
/// </summary>
public sealed class ValidationTimeOverrideTests
{
    private const int ValidationTimeOverrideAllowed = 430;

    private const int ConfigurationApplied = 300;

    [Fact]
    [Trait("Category", "Unit")]
    public async Task Start_ValidationTimeWithoutTheSwitch_FailsNamingTheSwitch()
    {
        using var chain = TestChain.Create();
        await using var app = BrokerApp.Create(
            [$"--Broker:Policies:default:TrustAnchors={chain.RootPath}", "--Broker:Policies:default:ValidationTime=2026-01-01T00:00:00Z"]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync().WaitAsync(TestTimeouts.Step));

        Assert.Contains(
            "Broker:Policies:default: ValidationTime is set but Broker:AllowValidationTimeOverride is false; a fixed validation time is for tests only",
            error.Failures);
    }

    [Theory]
    [Trait("Category", "Unit")]
    [InlineData("yesterday")]
    [InlineData("2026-01-01T00:00:00")]
    public async Task Start_ValidationTimeNotIsoWithOffset_FailsNamingTheValue(string value)
    {
        using var chain = TestChain.Create();
        await using var app = BrokerApp.Create(
        [
            "--Broker:AllowValidationTimeOverride=true",
            $"--Broker:Policies:default:TrustAnchors={chain.RootPath}",
            $"--Broker:Policies:default:ValidationTime={value}",
        ]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync().WaitAsync(TestTimeouts.Step));

        Assert.Contains($"Broker:Policies:default: ValidationTime '{value}' is not an ISO-8601 time with an offset, e.g. 2026-01-01T00:00:00Z", error.Failures);
    }

    [Fact]
    [Trait("Category", "Functional")]
    public async Task Verify_ValidationTimeAllowed_ExpiredChainAcceptedAtThatTimeAndWarnedAtStartAndReload()
    {
        using var root = TestPki.Issue(CertificateSpec.Root("Fixed Time Root"));
        using var intermediate = TestPki.Issue(CertificateSpec.Intermediate("Fixed Time Intermediate"), root);
        using var leaf = TestPki.Issue(
            CertificateSpec.Server("localhost") with { NotBefore = DateTimeOffset.UtcNow.AddDays(-5), NotAfter = DateTimeOffset.UtcNow.AddDays(-2) }, intermediate);
        var folder = Path.Combine(Path.GetTempPath(), "tlsbroker-tests", "validation-time-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var anchors = Path.Combine(folder, "root.pem");
            await File.WriteAllTextAsync(anchors, root.CertificatePem);
            var within = leaf.Certificate.NotAfter.ToUniversalTime().AddDays(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            var config = new BrokerConfigFile(Path.Combine(folder, "broker.json"));
            config.Write(Broker(anchors, within, allowedServerName: "localhost"));
            var logs = new CapturingLoggerProvider();
            await using var broker = await BrokerHost.StartAsync(["config=" + config.Path], builder => builder.Services.AddSingleton<ILoggerProvider>(logs));
            var atStart = await logs.WaitForAsync(entry => entry.EventId.Id == ValidationTimeOverrideAllowed, "warning of the fixed validation time at start-up");

            var fixedTime = await VerifyCalls.VerifyAsync(broker.Client, VerifyCalls.Request([leaf, intermediate], "localhost", "fixed"));
            var clock = await VerifyCalls.VerifyAsync(broker.Client, VerifyCalls.Request([leaf, intermediate], "localhost"));
            config.Write(Broker(anchors, within, allowedServerName: "example.test"));
            await logs.WaitForAsync(entry => entry.EventId.Id == ConfigurationApplied, "of the applied reload");
            await logs.WaitForAsync(
                _ => logs.Entries.Count(entry => entry.EventId.Id == ValidationTimeOverrideAllowed) == 2, "warning of the fixed validation time after the reload");

            Assert.Equal((0, "X509_V_OK"), (fixedTime.Verify.Code, fixedTime.Verify.Name));
            Assert.Equal(("X509_V_ERR_CERT_HAS_EXPIRED", 0), (clock.Verify.Name, clock.Verify.Depth));
            Assert.Contains("fixed at " + within[..10], atStart.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("default at", atStart.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static object Broker(string anchors, string validationTime, string allowedServerName) => new
    {
        AllowValidationTimeOverride = true,
        Policies = new Dictionary<string, object>
        {
            ["default"] = new { TrustAnchors = anchors },
            ["fixed"] = new { TrustAnchors = anchors, ValidationTime = validationTime, AllowedServerNames = new[] { allowedServerName } },
        },
    };
}
