using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using TlsBroker.Contracts.V1;
using TlsBroker.Server.Telemetry;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Server.Tests.Telemetry.Otlp;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests.Telemetry;

/// <summary>
/// The built broker exports its session traces with OTLP when configured (README, "Operating it"), here to a
/// real OTLP/HTTP receiver on loopback, for real handshakes with <c>openssl s_server</c>.
/// </summary>
[Trait("Category", "Functional")]
public sealed class TracingTests
{
    /// <summary>OpenTelemetry's batch export delay (OTEL_BSP_SCHEDULE_DELAY, ms); the default 5 s would only slow the test.</summary>
    private const string ShortExportDelay = "OTEL_BSP_SCHEDULE_DELAY=50";

    [Fact]
    public async Task Connect_OtlpEndpointConfigured_SessionAndHandshakeSpansWithAttributes()
    {
        using var chain = TestChain.Create();
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var broker = await BrokerProcess.StartAsync(
        [
            $"Broker__Policies__default__TrustAnchors={chain.RootPath}",
            $"Broker__Telemetry__OtlpEndpoint={receiver.BaseAddress}",
            "Broker__Telemetry__OtlpProtocol=http/protobuf",
            ShortExportDelay,
        ]);
        using var channel = GrpcChannel.ForAddress(broker.Address);
        var brokerClient = new BrokerService.BrokerServiceClient(channel);
        var plaintext = "trace-me-not " + Guid.NewGuid().ToString("N");

        await using var server = await OpenSslServer.StartAsync(chain, "-tls1_3");
        ConnectResponse established;
        string establishedId;
        await using (var client = await ForwardingClient.ConnectAsync(brokerClient, server.Port, Requests.Start("localhost")))
        {
            Assert.True(client.IsEstablished, $"{client.Handshake.Reason}\nbroker said:\n{broker.Output}");
            established = client.Handshake;
            establishedId = client.Responses[0].Session.Id;
            await client.WriteAsync(System.Text.Encoding.ASCII.GetBytes(plaintext + "\n"));
            await server.WaitForLineAsync(plaintext);
            await client.ShutdownAsync();
            Assert.Equal(StatusCode.OK, (await client.CompleteAsync()).StatusCode);
        }

        ConnectResponse refused;
        string refusedId;
        await using (var failing = await OpenSslServer.StartAsync(chain))
        await using (var client = await ForwardingClient.ConnectAsync(brokerClient, failing.Port, Requests.Start("wronghost")))
        {
            refused = client.Handshake;
            refusedId = client.Responses[0].Session.Id;
            Assert.Equal(StatusCode.OK, (await client.CompleteAsync()).StatusCode);
        }

        var spans = await receiver.WaitForSpansAsync(received =>
            received.Count(span => span.Name == SessionTracing.SessionSpan) >= 2 && received.Count(span => span.Name == SessionTracing.HandshakeSpan) >= 2);

        Assert.All(receiver.ContentTypes, contentType => Assert.Equal("application/x-protobuf", contentType));
        Assert.All(spans, entry => Assert.Equal(SessionTracing.SourceName, entry.Scope));
        var okSession = SessionSpan(spans, establishedId);
        var okHandshake = HandshakeOf(spans, okSession);
        Assert.Equal("anonymous", Text(okSession, "tlsbroker.caller"));
        Assert.Equal("default", Text(okSession, "tlsbroker.policy"));
        Assert.Equal("localhost", Text(okSession, "tls.client.server_name"));
        Assert.Equal("closed", Text(okSession, "tlsbroker.outcome"));
        Assert.Equal(0, Integer(okSession, "tlsbroker.verify_code"));
        Assert.Equal(established.Established.ProtocolVersion, Text(okSession, "tls.protocol.version"));
        Assert.Equal(established.Established.CipherSuite, Text(okSession, "tls.cipher"));
        Assert.Equal(established.Established.ProtocolVersion, Text(okHandshake, "tls.protocol.version"));
        Assert.Equal(established.Established.CipherSuite, Text(okHandshake, "tls.cipher"));
        Assert.Equal(established.Established.Group, Text(okHandshake, "tls.curve"));
        Assert.Equal((1, 1), (okSession.Status.Code, okHandshake.Status.Code));
        Assert.True(okSession.StartTimeUnixNano <= okHandshake.StartTimeUnixNano && okHandshake.EndTimeUnixNano <= okSession.EndTimeUnixNano);

        var failedSession = SessionSpan(spans, refusedId);
        var failedHandshake = HandshakeOf(spans, failedSession);
        Assert.Equal("wronghost", Text(failedSession, "tls.client.server_name"));
        Assert.Equal("verify_failed", Text(failedSession, "tlsbroker.outcome"));
        Assert.Equal(refused.Verify.Code, Integer(failedSession, "tlsbroker.verify_code"));
        Assert.Equal(refused.Verify.Code, Integer(failedHandshake, "tlsbroker.verify_code"));
        Assert.Equal(refused.Verify.Name, Text(failedHandshake, "tlsbroker.verify_error"));
        Assert.Equal((2, 2), (failedSession.Status.Code, failedHandshake.Status.Code));
        Assert.Equal(refused.Reason, failedHandshake.Status.Message);

        var values = spans.SelectMany(entry => entry.Span.Attributes).Select(attribute => attribute.Value.ToString()).ToList();
        Assert.All(values, value => Assert.DoesNotContain(plaintext, value, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Connect_StandardOtelEnvironmentVariables_SessionSpanExported()
    {
        using var chain = TestChain.Create();
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var broker = await BrokerProcess.StartAsync(
        [
            $"Broker__Policies__default__TrustAnchors={chain.RootPath}",
            $"OTEL_EXPORTER_OTLP_ENDPOINT={receiver.BaseAddress}",
            "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
            ShortExportDelay,
        ]);
        using var channel = GrpcChannel.ForAddress(broker.Address);
        await using var server = await OpenSslServer.StartAsync(chain);
        string sessionId;
        await using (var client = await ForwardingClient.ConnectAsync(new BrokerService.BrokerServiceClient(channel), server.Port, Requests.Start("localhost")))
        {
            Assert.True(client.IsEstablished, $"{client.Handshake.Reason}\nbroker said:\n{broker.Output}");
            sessionId = client.Responses[0].Session.Id;
        }

        var spans = await receiver.WaitForSpansAsync(received => received.Any(span => span.Name == SessionTracing.SessionSpan));

        var session = SessionSpan(spans, sessionId);
        Assert.Equal("localhost", Text(session, "tls.client.server_name"));
        Assert.Equal("aborted", Text(session, "tlsbroker.outcome"));
    }

    private static Span SessionSpan(List<(Span Span, string Scope)> spans, string sessionId) =>
        Assert.Single(spans, entry => entry.Span.Name == SessionTracing.SessionSpan && Text(entry.Span, "tlsbroker.session.id") == sessionId).Span;

    private static Span HandshakeOf(List<(Span Span, string Scope)> spans, Span session) =>
        Assert.Single(spans, entry => entry.Span.Name == SessionTracing.HandshakeSpan && entry.Span.ParentSpanId == session.SpanId && entry.Span.TraceId == session.TraceId).Span;

    private static string? Text(Span span, string key) => span.Attributes.SingleOrDefault(attribute => attribute.Key == key)?.Value.StringValue;

    private static long? Integer(Span span, string key) => span.Attributes.SingleOrDefault(attribute => attribute.Key == key)?.Value.IntValue;
}
