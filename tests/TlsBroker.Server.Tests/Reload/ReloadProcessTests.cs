using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using TlsBroker.Contracts.V1;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests.Reload;

/// <summary>The built broker process: SIGHUP, a rejected reload seen on /metrics and in its output, and start-up failures.</summary>
[Trait("Category", "Functional")]
public sealed class ReloadProcessTests
{
    private const string RejectedLine = "rejected, the configuration in force stays";

    [Fact]
    public async Task Sighup_TrustAnchorFileChangedUnseenByWatch_NextSessionUsesNewAnchors()
    {
        using var first = TestChain.Create();
        using var second = TestChain.Create();

        // The same size and modification time, so only SIGHUP (not the file watch) can see the new anchors.
        var (firstPem, secondPem) = SameLength(first.Root.CertificatePem, second.Root.CertificatePem);
        var anchorsPath = first.WriteFile("anchors.pem", firstPem);
        var writtenAt = File.GetLastWriteTimeUtc(anchorsPath);
        await using var broker = await BrokerProcess.StartAsync([$"Broker__Policies__default__TrustAnchors={anchorsPath}"]);
        using var channel = GrpcChannel.ForAddress(broker.Address);
        var client = new BrokerService.BrokerServiceClient(channel);
        await using var server = await OpenSslServer.StartAsync(second);
        await using (var before = await ForwardingClient.ConnectAsync(client, server.Port, Requests.Start("localhost")))
        {
            Assert.Equal(-1, before.Handshake.Ret);
        }

        File.WriteAllText(anchorsPath, secondPem);
        File.SetLastWriteTimeUtc(anchorsPath, writtenAt);
        await broker.HangUpAsync();
        await broker.WaitForOutputAsync("Configuration reloaded (SIGHUP)");
        await using var after = await ForwardingClient.ConnectAsync(client, server.Port, Requests.Start("localhost"));

        await broker.WaitForOutputAsync("outcome verify_failed");
        var metrics = await MetricsScrape.GetAsync(broker.AdminAddress);

        Assert.True(after.IsEstablished, $"{after.Handshake.Reason}\nbroker said:\n{broker.Output}");
        Assert.Contains("changed [default]", broker.Output, StringComparison.Ordinal);
        Assert.Equal(1, metrics.Sum("tlsbroker_config_reloads_total", ("tlsbroker_outcome", "applied")));
        Assert.Equal(1, metrics.Sum("tlsbroker_sessions_total", ("tlsbroker_caller", "anonymous"), ("tlsbroker_policy", "default"), ("tlsbroker_outcome", "verify_failed")));
        Assert.True(metrics.Sum("tlsbroker_session_io_bytes_total", ("tlsbroker_policy", "default"), ("tlsbroker_direction", "in")) > 0, metrics.Text);
    }

    [Fact]
    public async Task Reload_InvalidEdit_RejectedCountedOnceAndPreviousPolicyServes()
    {
        using var chain = TestChain.Create();
        var config = new BrokerConfigFile(Path.Combine(chain.Folder, "broker.json"));
        config.Write(new { Policies = new Dictionary<string, object> { ["default"] = new { TrustAnchors = chain.RootPath } } });
        await using var broker = await BrokerProcess.StartAsync([], "--config", config.Path);

        config.Write(new { MaxConcurrentSessions = 0, Policies = new Dictionary<string, object> { ["default"] = new { Groups = new[] { "no-such-group" } } } });
        await broker.WaitForOutputAsync(RejectedLine);
        var metrics = await MetricsScrape.GetAsync(broker.AdminAddress);
        using var channel = GrpcChannel.ForAddress(broker.Address);
        await using var server = await OpenSslServer.StartAsync(chain);
        await using var client = await ForwardingClient.ConnectAsync(new BrokerService.BrokerServiceClient(channel), server.Port, Requests.Start("localhost"));

        Assert.Equal(1, metrics.Sum("tlsbroker_config_reloads_total", ("tlsbroker_outcome", "rejected")));
        Assert.Equal(0, metrics.Sum("tlsbroker_config_reloads_total", ("tlsbroker_outcome", "applied")));
        Assert.Equal(1, broker.CountOutputLines(RejectedLine));
        var line = broker.Output.Split('\n').Single(printed => printed.Contains(RejectedLine, StringComparison.Ordinal));
        Assert.Contains("2 problem(s)", line, StringComparison.Ordinal);
        Assert.Contains("Broker:MaxConcurrentSessions is 0", line, StringComparison.Ordinal);
        Assert.Contains("unknown group 'no-such-group'", line, StringComparison.Ordinal);
        Assert.True(client.IsEstablished, $"{client.Handshake.Reason}\nbroker said:\n{broker.Output}");
    }

    [Fact]
    public async Task Start_SeveralInvalidValues_PrintsEveryProblemAndExitsNonZeroWithoutStackTrace()
    {
        var folder = Path.Combine(Path.GetTempPath(), "tlsbroker-tests", Guid.NewGuid().ToString("N"));
        var missingAnchors = Path.Combine(folder, "missing-anchors.pem");
        var missingConfig = Path.Combine(folder, "missing-broker.json");

        var (exitCode, output) = await BoundedCommand.RunAsync("dotnet",
        [
            BrokerProcess.ServerDll, "--config", missingConfig,
            "--Broker:Port=70000",
            $"--Broker:Policies:default:TrustAnchors={missingAnchors}",
            "--Broker:Policies:strict:CipherSuites:0=TLS_NO_SUCH_SUITE",
            "--Broker:Policies:strict:AllowedServerNames:0=a.*.test",
            "--Broker:Policies:strict:VerifiedChainCache:MaxEntries=-1",
        ]);

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, exitCode);
        Assert.Contains("TlsBroker cannot start: 6 configuration problem(s):", lines);
        Assert.Contains(lines, line => line.StartsWith("configuration file", StringComparison.Ordinal) && line.Contains(missingConfig, StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("Broker:Port is 70000", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("Broker:Policies:default: TrustAnchors:", StringComparison.Ordinal) && line.Contains(missingAnchors, StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("Broker:Policies:strict: CipherSuites: unknown cipher suite 'TLS_NO_SUCH_SUITE'", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("Broker:Policies:strict: AllowedServerNames entry 'a.*.test'", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("Broker:Policies:strict: VerifiedChainCache:MaxEntries is -1", StringComparison.Ordinal));
        Assert.Equal(7, lines.Length);
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain(lines, line => line.StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_PortInUse_OneLineAndExitsNonZero()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exitCode, output) = await BoundedCommand.RunAsync("dotnet", [BrokerProcess.ServerDll, $"--Broker:Port={port}", "--Broker:AdminPort=0"]);

        Assert.Equal(3, exitCode);
        Assert.Equal($"TlsBroker cannot start: 127.0.0.1:{port} is already in use (Broker:ListenAddress, Broker:Port, Broker:AdminPort)", output.Trim());
    }

    /// <summary>Pads the shorter PEM text with trailing newlines (text after the END line is ignored) to the longer one's length.</summary>
    private static (string, string) SameLength(string a, string b)
    {
        var length = Math.Max(a.Length, b.Length);
        return (a.PadRight(length, '\n'), b.PadRight(length, '\n'));
    }
}
