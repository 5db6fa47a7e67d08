using System.Globalization;
using System.Net;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using TlsBroker.Contracts.V1;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;

namespace TlsBroker.Server.Tests;

/// <summary>
/// The admin port of a real broker process: Prometheus metrics and /healthz over HTTP/1.1,
/// while gRPC stays h2c-only on its own port and the admin paths exist only on the admin port.
/// </summary>
[Trait("Category", "Functional")]
public sealed class AdminPortTests(BrokerProcessFixture fixture) : IClassFixture<BrokerProcessFixture>
{
    private BrokerProcess Broker => fixture.Broker;

    [Fact]
    public async Task Metrics_AfterHandshakes_CountsEachOutcomeAndNoSessionLeft()
    {
        const int established = 2;
        using var channel = GrpcChannel.ForAddress(Broker.Address);
        var client = new BrokerService.BrokerServiceClient(channel);
        await using var server = await OpenSslServer.StartAsync(fixture.Chain);
        var before = await MetricsScrape.GetAsync(Broker.AdminAddress);

        for (var i = 0; i < established; i++)
        {
            await using var session = await ForwardingClient.ConnectAsync(client, server.Port, Requests.Start("localhost"));
            Assert.True(session.IsEstablished, $"{session.Handshake.Reason}\nbroker said:\n{Broker.Output}");
            Assert.Equal(StatusCode.OK, (await session.CompleteAsync()).StatusCode);
        }

        string mismatchVerifyCode;
        await using (var mismatch = await ForwardingClient.ConnectAsync(client, server.Port, Requests.Start("other.test")))
        {
            Assert.False(mismatch.IsEstablished);
            mismatchVerifyCode = mismatch.Handshake.Verify.Code.ToString(CultureInfo.InvariantCulture);
            Assert.Equal(StatusCode.OK, (await mismatch.CompleteAsync()).StatusCode);
        }

        using (var unknownPolicy = client.Connect())
        {
            await CallAssert.RejectedAsync(unknownPolicy, Requests.StartRequest("localhost", "no-such-policy"), StatusCode.PermissionDenied);
        }

        using (var badName = client.Connect())
        {
            await CallAssert.RejectedAsync(badName, Requests.StartRequest("bad..name"), StatusCode.InvalidArgument);
        }

        var after = await MetricsScrape.GetAsync(Broker.AdminAddress);

        Assert.Equal(established, Delta(before, after, "tlsbroker_handshakes_total", ("tlsbroker_outcome", "established"), ("tlsbroker_verify_code", "0")));
        Assert.Equal(1, Delta(before, after, "tlsbroker_handshakes_total", ("tlsbroker_outcome", "verify_failed"), ("tlsbroker_verify_code", mismatchVerifyCode)));
        Assert.Equal(established, Delta(before, after, "tlsbroker_handshake_duration_seconds_count", ("tlsbroker_policy", "default")));
        Assert.Equal(established + 1, Delta(before, after, "tlsbroker_session_duration_seconds_count", ("tlsbroker_policy", "default")));
        Assert.Equal(1, Delta(before, after, "tlsbroker_calls_rejected_total", ("tlsbroker_reason", "policy")));
        Assert.Equal(1, Delta(before, after, "tlsbroker_calls_rejected_total", ("tlsbroker_reason", "malformed")));
        Assert.True(after.Has("tlsbroker_sessions_active"), after.Text);
        Assert.Equal(0, after.Sum("tlsbroker_sessions_active"));
    }

    [Fact]
    public async Task Metrics_RuntimeMeter_ExposesManagedHeapAndWorkingSet()
    {
        var metrics = await MetricsScrape.GetAsync(Broker.AdminAddress);

        Assert.True(metrics.Sum("dotnet_process_memory_working_set_bytes") > 0, metrics.Text);
        Assert.True(metrics.Sum("dotnet_gc_heap_total_allocated_bytes_total") > 0, metrics.Text);
        Assert.True(metrics.Has("dotnet_process_cpu_time_seconds_total"), metrics.Text);

        // The heap size is "as observed during the latest garbage collection": absent until the first one.
        Assert.Equal(metrics.Sum("dotnet_gc_collections_total") > 0, metrics.Sum("dotnet_gc_last_collection_heap_size_bytes") > 0);
    }

    [Fact]
    public async Task Metrics_Promtool_WholeOutputPassesLint()
    {
        using var channel = GrpcChannel.ForAddress(Broker.Address);
        await using (var server = await OpenSslServer.StartAsync(fixture.Chain))
        await using (var session = await ForwardingClient.ConnectAsync(new BrokerService.BrokerServiceClient(channel), server.Port, Requests.Start("localhost")))
        {
            Assert.True(session.IsEstablished, session.Handshake.Reason);
            await session.CompleteAsync();
        }

        var metrics = await MetricsScrape.GetAsync(Broker.AdminAddress);
        var (exitCode, output) = await Promtool.CheckMetricsAsync(metrics.Text);

        Assert.True(exitCode == 0, $"promtool check metrics exited {exitCode} on the whole /metrics output:\n{output}");
        Assert.True(metrics.Has("tlsbroker_handshakes_total"), metrics.Text);
    }

    [Fact]
    public async Task Healthz_AdminPort_Healthy()
    {
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(Broker.AdminAddress, "/healthz")).WaitAsync(TestTimeouts.Step);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync().WaitAsync(TestTimeouts.Step));
    }

    [Fact]
    public async Task Metrics_GrpcPortOverH2c_NotFound()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Broker.Address, "/metrics"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        using var response = await http.SendAsync(request).WaitAsync(TestTimeouts.Step);

        Assert.Equal(new Version(2, 0), response.Version);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Healthz_GrpcPortOverHttp11_Refused()
    {
        using var http = new HttpClient();

        var status = await StatusOrFailureAsync(http.GetAsync(new Uri(Broker.Address, "/healthz")));

        Assert.NotEqual(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task HealthCheck_GrpcOnAdminPort_Fails()
    {
        using var channel = GrpcChannel.ForAddress(Broker.AdminAddress);

        var error = await Assert.ThrowsAsync<RpcException>(
            () => new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest()).ResponseAsync.WaitAsync(TestTimeouts.Step));

        Assert.NotEqual(StatusCode.OK, error.StatusCode);
    }

    private static double Delta(MetricsScrape before, MetricsScrape after, string name, params (string Key, string Value)[] labels) =>
        after.Sum(name, labels) - before.Sum(name, labels);

    /// <summary>The status an HTTP/1.1 request got, or null when the server dropped the connection instead.</summary>
    private static async Task<HttpStatusCode?> StatusOrFailureAsync(Task<HttpResponseMessage> request)
    {
        try
        {
            using var response = await request.WaitAsync(TestTimeouts.Step);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
