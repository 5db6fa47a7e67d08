using System.Text;
using Grpc.Core;
using TlsBroker.Contracts.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Reload;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests.Reload;

/// <summary>
/// An in-process broker reading an operator's configuration file (<c>--config</c>) whose policy
/// trusts a PEM file; both are edited while sessions run, against a real openssl s_server.
/// </summary>
[Trait("Category", "Functional")]
public sealed class LiveReloadTests : IAsyncLifetime
{
    /// <summary>X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY: the chain's root is not among the anchors.</summary>
    private const int UnableToGetIssuerLocally = 20;

    private readonly CapturingLoggerProvider logs = new();
    private readonly TestChain served = TestChain.Create();
    private readonly TestChain other = TestChain.Create();
    private string anchorsPath = null!;
    private BrokerConfigFile config = null!;
    private BrokerHost broker = null!;

    public async Task InitializeAsync()
    {
        anchorsPath = served.WriteFile("anchors.pem", served.Root.CertificatePem);
        config = new BrokerConfigFile(Path.Combine(served.Folder, "broker.json"));
        config.Write(Policies(anchorsPath, "localhost"));
        broker = await BrokerHost.StartAsync(
            ["config=" + config.Path, "Logging:LogLevel:TlsBroker=Debug"],
            builder => builder.Services.AddSingleton<ILoggerProvider>(logs));
    }

    public async Task DisposeAsync()
    {
        await broker.DisposeAsync();
        served.Dispose();
        other.Dispose();
    }

    [Fact]
    public async Task Reload_TrustAnchorFileReplacedMidHandshake_SessionKeepsOldAnchorsNextStartUsesNew()
    {
        await using var server = await OpenSslServer.StartAsync(served, "-rev");
        CapturedLog applied;
        ConnectResponse handshake;
        byte[] echo;
        Status liveStatus;
        await using (var live = await ForwardingClient.OpenAsync(broker.Client, server.Port))
        {
            var clientHelloSent = await live.SendAsync(Requests.StartRequest("localhost"));

            File.WriteAllText(anchorsPath, other.Root.CertificatePem);
            applied = await logs.WaitForAsync(entry => entry.EventId.Id == 300, "of the applied reload");

            handshake = await live.ContinueHandshakeAsync(clientHelloSent);
            await live.WriteAsync(Encoding.ASCII.GetBytes("kept\n"));
            (echo, _) = await live.ReadAsync(received => received.ToArray().Contains((byte)'\n'));
            await live.ShutdownAsync();
            liveStatus = await live.CompleteAsync();
        }

        // s_server serves one connection at a time: this one starts once the first has gone.
        await using var next = await ForwardingClient.ConnectAsync(broker.Client, server.Port, Requests.Start("localhost"));

        Assert.Equal(ConfigurationReloader.FileTrigger, applied.Values["Trigger"]);
        Assert.Equal(["default"], (IEnumerable<string>)applied.Values["ChangedPolicies"]!);
        Assert.Equal(1, handshake.Ret);
        Assert.Equal("tpek\n", Encoding.ASCII.GetString(echo));
        Assert.Equal(StatusCode.OK, liveStatus.StatusCode);
        Assert.Equal(-1, next.Handshake.Ret);
        Assert.Equal(UnableToGetIssuerLocally, next.Handshake.Verify.Code);
    }

    [Fact]
    public async Task Reload_AllowedServerNamesEdited_LiveSessionCompletesNextStartRefused()
    {
        await using var server = await OpenSslServer.StartAsync(served, "-rev");
        await using var live = await ForwardingClient.ConnectAsync(broker.Client, server.Port, Requests.Start("localhost"));
        Assert.True(live.IsEstablished, live.Handshake.Reason);

        config.Write(Policies(anchorsPath, "other.test"));
        var applied = await logs.WaitForAsync(entry => entry.EventId.Id == 300, "of the applied reload");

        await live.WriteAsync(Encoding.ASCII.GetBytes("still here\n"));
        var (echo, _) = await live.ReadAsync(received => received.ToArray().Contains((byte)'\n'));
        await live.ShutdownAsync();
        var liveStatus = await live.CompleteAsync();
        await using var next = await ForwardingClient.OpenAsync(broker.Client, server.Port);
        var refused = await Assert.ThrowsAsync<RpcException>(() => next.SendAsync(Requests.StartRequest("localhost")));

        Assert.Contains(ConfigurationReloader.ConfigurationTrigger, (string)applied.Values["Trigger"]!, StringComparison.Ordinal);
        Assert.Equal(["default"], (IEnumerable<string>)applied.Values["ChangedPolicies"]!);
        Assert.Equal("ereh llits\n", Encoding.ASCII.GetString(echo));
        Assert.Equal(StatusCode.OK, liveStatus.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }

    [Fact]
    public async Task Reload_InvalidEdit_KeptOutWithEveryProblemInOneRecord()
    {
        var monitor = broker.Services.GetRequiredService<IOptionsMonitor<BrokerOptions>>();
        var missing = Path.Combine(served.Folder, "no-such-anchors.pem");
        config.Write(new
        {
            IdleTimeout = "00:00:00",
            Policies = new Dictionary<string, object>
            {
                ["default"] = new { TrustAnchors = missing, CipherSuites = new[] { "TLS_NO_SUCH_SUITE" }, AllowedServerNames = new[] { "a.*.test" }, MinVersion = "1.0" },
            },
        });

        var rejected = await logs.WaitForAsync(entry => entry.EventId.Id == 301, "of the rejected reload");
        await using var server = await OpenSslServer.StartAsync(served);
        await using var client = await ForwardingClient.ConnectAsync(broker.Client, server.Port, Requests.Start("localhost"));

        var problems = (IReadOnlyList<string>)rejected.Values["Problems"]!;
        Assert.Equal(5, rejected.Values["ProblemCount"]);
        Assert.Equal(5, problems.Count);
        Assert.Contains(problems, problem => problem.StartsWith("Broker:IdleTimeout ", StringComparison.Ordinal));
        Assert.Contains(problems, problem => problem.StartsWith("Broker:Policies:default: TrustAnchors:", StringComparison.Ordinal) && problem.Contains(missing, StringComparison.Ordinal));
        Assert.Contains(problems, problem => problem.Contains("TLS_NO_SUCH_SUITE", StringComparison.Ordinal));
        Assert.Contains(problems, problem => problem.Contains("'a.*.test'", StringComparison.Ordinal));
        Assert.Contains(problems, problem => problem.StartsWith("Broker:Policies:default: MinVersion '1.0'", StringComparison.Ordinal));
        Assert.Single(logs.Entries, entry => entry.EventId.Id == 301);
        Assert.DoesNotContain(logs.Entries, entry => entry.EventId.Id == 300);
        Assert.Equal(anchorsPath, monitor.CurrentValue.Policies["default"].TrustAnchors);
        Assert.True(client.IsEstablished, client.Handshake.Reason);
    }

    [Fact]
    public async Task Reload_ConfigFileNotJson_KeptOutAndPreviousValuesStay()
    {
        config.WriteText("{ \"Broker\": { \"Policies\": ");

        var rejected = await logs.WaitForAsync(entry => entry.EventId.Id == 301, "of the rejected reload");
        await using var server = await OpenSslServer.StartAsync(served);
        await using var allowed = await ForwardingClient.ConnectAsync(broker.Client, server.Port, Requests.Start("localhost"));
        await using var outside = await ForwardingClient.OpenAsync(broker.Client, server.Port);
        var refused = await Assert.ThrowsAsync<RpcException>(() => outside.SendAsync(Requests.StartRequest("127.0.0.1")));

        var problem = Assert.Single((IReadOnlyList<string>)rejected.Values["Problems"]!);
        Assert.Contains(config.Path, problem, StringComparison.Ordinal);
        Assert.True(allowed.IsEstablished, allowed.Handshake.Reason);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }

    [Fact]
    public async Task Reload_OtherSettingsChanged_UnchangedPolicyKeptWithItsCache()
    {
        var live = broker.Services.GetRequiredService<LiveConfiguration>();
        Assert.True(live.Current.Policies.TryGet("default", out var before));

        config.Write(new
        {
            IdleTimeout = "00:01:00",
            Policies = new Dictionary<string, object>
            {
                ["default"] = new { TrustAnchors = anchorsPath, AllowedServerNames = new[] { "localhost" } },
                ["second"] = new { TrustAnchors = anchorsPath },
            },
        });
        var applied = await logs.WaitForAsync(entry => entry.EventId.Id == 300, "of the applied reload");

        Assert.Equal(["second"], (IEnumerable<string>)applied.Values["AddedPolicies"]!);
        Assert.Empty((IEnumerable<string>)applied.Values["ChangedPolicies"]!);
        Assert.Equal(["IdleTimeout"], (IEnumerable<string>)applied.Values["ChangedSettings"]!);
        Assert.True(live.Current.Policies.TryGet("default", out var after));
        Assert.Same(before, after);
        Assert.Equal(TimeSpan.FromMinutes(1), live.Current.Options.IdleTimeout);
    }

    private static object Policies(string trustAnchors, string allowedServerName) => new
    {
        Policies = new Dictionary<string, object>
        {
            ["default"] = new { TrustAnchors = trustAnchors, AllowedServerNames = new[] { allowedServerName } },
        },
    };
}
