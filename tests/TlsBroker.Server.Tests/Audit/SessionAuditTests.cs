using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TlsBroker.Contracts.V1;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests.Audit;

/// <summary>Every Connect stream ends with one audit record (category TlsBroker.Audit, EventId 310) and is counted by caller, policy and outcome.</summary>
[Trait("Category", "Functional")]
public sealed class SessionAuditTests : IAsyncLifetime
{
    private const int AuditEventId = 310;
    private const string Policy = "audited";

    private readonly CapturingLoggerProvider logs = new();
    private readonly TestChain chain = TestChain.Create();
    private BrokerHost broker = null!;
    private BrokerMeasurements measurements = null!;

    public async Task InitializeAsync()
    {
        broker = await BrokerHost.StartAsync(
            [$"Broker:Policies:{Policy}:TrustAnchors={chain.RootPath}", "Logging:LogLevel:TlsBroker=Information"],
            builder => builder.Services.AddSingleton<ILoggerProvider>(logs));
        measurements = new BrokerMeasurements(broker);
    }

    public async Task DisposeAsync()
    {
        measurements.Dispose();
        await broker.DisposeAsync();
        chain.Dispose();
    }

    [Fact]
    public async Task Audit_SessionWithDataClosed_RecordsEveryFieldAndCountsIt()
    {
        await using var server = await OpenSslServer.StartAsync(chain, "-rev");
        ForwardingClient session;
        await using (session = await ForwardingClient.ConnectAsync(broker.Client, server.Port, Requests.Start("localhost", Policy)))
        {
            await session.WriteAsync(Encoding.ASCII.GetBytes("audit me\n"));
            await session.ReadAsync(received => received.ToArray().Contains((byte)'\n'));
            await session.ShutdownAsync();
            await session.CompleteAsync();
        }

        var audit = await logs.WaitForAsync(entry => entry.EventId.Id == AuditEventId, "of the audit record");

        var established = session.Handshake.Established;
        long bytesIn = session.ReceivedSizes.Sum();
        long bytesOut = session.Responses.Sum(response => response.RecordsToSend.Length);
        Assert.Equal("TlsBroker.Audit", audit.Category);
        Assert.Equal("anonymous", audit.Values["Caller"]);
        Assert.Equal(Policy, audit.Values["Policy"]);
        Assert.Equal("localhost", audit.Values["ServerName"]);
        Assert.Equal("closed", audit.Values["Outcome"]);
        Assert.Equal("OK", audit.Values["GrpcStatus"]);
        Assert.Equal(0, audit.Values["VerifyCode"]);
        Assert.Equal("none", audit.Values["Alert"]);
        Assert.Equal(established.ProtocolVersion, audit.Values["TlsVersion"]);
        Assert.Equal(established.CipherSuite, audit.Values["CipherSuite"]);
        Assert.Equal(false, audit.Values["ClientCertificateSent"]);
        Assert.Equal(false, audit.Values["Resumed"]);
        Assert.Equal(LeafSha256(), audit.Values["PeerLeafSha256"]);
        Assert.Equal(bytesIn, audit.Values["BytesIn"]);
        Assert.Equal(bytesOut, audit.Values["BytesOut"]);
        Assert.True((double)audit.Values["DurationMs"]! > 0);
        Assert.True(bytesIn > 0 && bytesOut > 0);
        Assert.Single(logs.Entries, entry => entry.EventId.Id == AuditEventId);
        Assert.Equal(1, measurements.Sum("tlsbroker.sessions", ("tlsbroker.caller", "anonymous"), ("tlsbroker.policy", Policy), ("tlsbroker.outcome", "closed")));
        Assert.Equal(bytesIn, measurements.Sum("tlsbroker.session.io", ("tlsbroker.policy", Policy), ("tlsbroker.direction", "in")));
        Assert.Equal(bytesOut, measurements.Sum("tlsbroker.session.io", ("tlsbroker.policy", Policy), ("tlsbroker.direction", "out")));
    }

    [Fact]
    public async Task Audit_VerifyFailure_RecordsVerifyCodeAlertAndPeerFingerprint()
    {
        await using var server = await OpenSslServer.StartAsync(chain);
        await using (var session = await ForwardingClient.ConnectAsync(broker.Client, server.Port, Requests.Start("wrong.test", Policy)))
        {
            await session.CompleteAsync();
            var audit = await logs.WaitForAsync(entry => entry.EventId.Id == AuditEventId, "of the audit record");

            Assert.Equal(-1, session.Handshake.Ret);
            Assert.Equal("verify_failed", audit.Values["Outcome"]);
            Assert.Equal(-1, audit.Values["Ret"]);
            Assert.Equal("SSL_ERROR_SSL", audit.Values["SslError"]);
            Assert.Equal(session.Handshake.Verify.Code, audit.Values["VerifyCode"]);
            Assert.StartsWith($"{session.Handshake.Alert.Name}({session.Handshake.Alert.Description}) sent", (string)audit.Values["Alert"]!, StringComparison.Ordinal);
            Assert.Equal("wrong.test", audit.Values["ServerName"]);
            Assert.Equal("none", audit.Values["TlsVersion"]);
            Assert.Equal(LeafSha256(), audit.Values["PeerLeafSha256"]);
        }

        Assert.Equal(1, measurements.Sum("tlsbroker.sessions", ("tlsbroker.policy", Policy), ("tlsbroker.outcome", "verify_failed")));
    }

    [Fact]
    public async Task Audit_PolicyNotGranted_RejectedRecordWithStatusAndNoPolicyLabel()
    {
        using var call = broker.Client.Connect();
        await call.RequestStream.WriteAsync(Requests.StartRequest("localhost", "no-such-policy")).WaitAsync(TestTimeouts.Step);
        var refused = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext().WaitAsync(TestTimeouts.Step));

        var audit = await logs.WaitForAsync(entry => entry.EventId.Id == AuditEventId, "of the audit record");

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Equal("rejected", audit.Values["Outcome"]);
        Assert.Equal("PermissionDenied", audit.Values["GrpcStatus"]);
        Assert.Equal("no-such-policy", audit.Values["Policy"]);
        Assert.Equal("localhost", audit.Values["ServerName"]);
        Assert.Equal("none", audit.Values["PeerLeafSha256"]);
        Assert.Equal(0L, audit.Values["BytesOut"]);
        Assert.Equal(1, measurements.Sum("tlsbroker.sessions", ("tlsbroker.caller", "anonymous"), ("tlsbroker.policy", "none"), ("tlsbroker.outcome", "rejected")));
        Assert.DoesNotContain(measurements.Recorded, m => m.Tags.GetValueOrDefault("tlsbroker.policy") == "no-such-policy");
    }

    [Fact]
    public async Task Audit_FirstMessageNotStart_RejectedRecord()
    {
        using var call = broker.Client.Connect();
        await call.RequestStream.WriteAsync(Requests.Write([1, 2, 3])).WaitAsync(TestTimeouts.Step);
        var refused = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext().WaitAsync(TestTimeouts.Step));

        var audit = await logs.WaitForAsync(entry => entry.EventId.Id == AuditEventId, "of the audit record");

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal("rejected", audit.Values["Outcome"]);
        Assert.Equal("InvalidArgument", audit.Values["GrpcStatus"]);
        Assert.Equal(string.Empty, audit.Values["Policy"]);
    }

    private string LeafSha256() => Convert.ToHexString(SHA256.HashData(chain.Leaf.Certificate.RawData));
}
