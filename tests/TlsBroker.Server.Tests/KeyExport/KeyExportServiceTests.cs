using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TlsBroker.Contracts.V1;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests.KeyExport;

/// <summary>
/// The ExportKeys step over a real broker against a real <c>openssl s_server</c>: what it answers, what it refuses, what
/// it records (audit, metric, log), and that the secrets appear nowhere in the broker's output but the one response.
/// </summary>
[Trait("Category", "Functional")]
public sealed class KeyExportServiceTests : IAsyncLifetime
{
    private readonly TestChain chain = TestChain.Create();
    private readonly CapturingLoggerProvider logs = new();
    private BrokerHost? broker;
    private BrokerMeasurements? measurements;

    private BrokerHost Broker => broker!;

    public async Task InitializeAsync()
    {
        broker = await BrokerHost.StartAsync(
            [
                "Logging:LogLevel:Default=Trace",
                $"Broker:Policies:default:TrustAnchors={chain.RootPath}",
                "Broker:Policies:default:KeyExport:Allowed=true",
                "Broker:Policies:default:KeyExport:Callers:0=anonymous",
                $"Broker:Policies:plain:TrustAnchors={chain.RootPath}",
            ],
            builder => builder.Services.AddSingleton<ILoggerProvider>(logs));
        measurements = new BrokerMeasurements(broker);
    }

    public async Task DisposeAsync()
    {
        measurements?.Dispose();
        if (broker is not null)
        {
            await broker.DisposeAsync();
        }

        chain.Dispose();
    }

    [Theory]
    [InlineData("-tls1_3")]
    [InlineData("-tls1_2")]
    public async Task ExportKeys_Established_KeysAuditMetricAndNoSecretElsewhere(string version)
    {
        await using var server = await OpenSslServer.StartAsync(chain, "-rev", version);
        await using var session = await ForwardingClient.ConnectAsync(Broker.Client, server.Port, Requests.Start("localhost"));
        await session.WriteAsync(Encoding.ASCII.GetBytes("hello\n"));
        await session.ReadAsync(received => received.ToArray().Contains((byte)'\n'));

        var exported = await session.SendAsync(new ConnectRequest { ExportKeys = new ExportKeys() });
        var keys = exported.ExportedKeys;
        var status = await session.CompleteAsync();
        await logs.WaitForAsync(entry => entry.EventId.Id == 310, "the session's audit record");

        Assert.Equal(1, exported.Ret);
        Assert.Equal(StatusCode.OK, status.StatusCode);
        Assert.Equal(session.Handshake.Established.CipherSuite, keys.CipherSuite);
        Assert.Equal(session.Handshake.Established.ProtocolVersion, keys.ProtocolVersion);

        // "hello\n" went out in one record under the application keys; in TLS 1.2 the Finished came first under the same
        // keys (RFC 5246 §7.1), in TLS 1.3 under the handshake keys (RFC 8446 §7.1). The reply came back at least that way.
        var handshakeRecords = version == "-tls1_2" ? 1UL : 0UL;
        Assert.Equal(handshakeRecords + 1, keys.WriteSequence);
        Assert.True(keys.ReadSequence >= handshakeRecords + 1, $"read sequence {keys.ReadSequence}");
        byte[][] secrets = version == "-tls1_3"
            ? [keys.ClientTrafficSecret.ToByteArray(), keys.ServerTrafficSecret.ToByteArray()]
            : [keys.ClientWriteKey.ToByteArray(), keys.ServerWriteKey.ToByteArray()];
        Assert.All(secrets, secret => Assert.True(secret.Length >= 16, $"{secret.Length} bytes"));
        Assert.NotEqual(secrets[0], secrets[1]);
        Assert.Equal(1, measurements!.Sum("tlsbroker.keys.exported", ("tlsbroker.policy", "default")));
        var audit = logs.Entries.Single(entry => entry.EventId.Id == 310);
        Assert.Equal(true, audit.Values["KeysExported"]);
        Assert.Contains(logs.Entries, entry => entry.EventId.Id == 440);

        // Everything the broker said but the export itself: every log entry at every level, every other response, every metric tag.
        var said = logs.Entries.Select(entry => Encoding.UTF8.GetBytes(
                $"{entry.Message} {string.Join(' ', entry.Values.Select(value => $"{value.Key}={value.Value}"))} {entry.Exception}"))
            .Concat(session.Responses.Where(response => response != exported).Select(response => response.ToByteArray()))
            .Concat(measurements.Recorded.Select(m => Encoding.UTF8.GetBytes(string.Join(' ', m.Tags.Select(tag => $"{tag.Key}={tag.Value}")))))
            .ToList();
        Assert.Contains(said, text => text.AsSpan().IndexOf(Encoding.UTF8.GetBytes(keys.CipherSuite)) >= 0);
        foreach (var form in secrets.SelectMany(Forms))
        {
            Assert.DoesNotContain(said, text => text.AsSpan().IndexOf(form) >= 0);
        }
    }

    [Fact]
    public async Task Received_AfterExport_InvalidArgumentAndTheSlotIsFree()
    {
        await using var server = await OpenSslServer.StartAsync(chain, "-rev");
        await using var session = await ForwardingClient.ConnectAsync(Broker.Client, server.Port, Requests.Start("localhost"));
        var exported = await session.SendAsync(new ConnectRequest { ExportKeys = new ExportKeys() });
        await Broker.WaitForActiveSessionsAsync(0);

        var rejected = await Assert.ThrowsAsync<RpcException>(() => session.SendAsync(Requests.Received([23, 3, 3, 0, 1])));

        Assert.Equal(1, exported.Ret);
        Assert.Equal(StatusCode.InvalidArgument, rejected.StatusCode);
        Assert.Contains("keys were exported", rejected.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportKeys_PolicyWithoutKeyExport_PermissionDenied()
    {
        await using var server = await OpenSslServer.StartAsync(chain, "-rev");
        await using var session = await ForwardingClient.ConnectAsync(Broker.Client, server.Port, Requests.Start("localhost", "plain"));

        var refused = await Assert.ThrowsAsync<RpcException>(() => session.SendAsync(new ConnectRequest { ExportKeys = new ExportKeys() }));

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("policy 'plain' does not grant key export to caller 'anonymous'", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, measurements!.Sum("tlsbroker.keys.exported"));
    }

    [Fact]
    public async Task ExportKeys_PartOfARecordPending_FailedPrecondition()
    {
        await using var server = await OpenSslServer.StartAsync(chain, "-rev", "-tls1_3");
        await using var session = await ForwardingClient.ConnectAsync(Broker.Client, server.Port, Requests.Start("localhost"));

        // RFC 8446 §5.1: the header of an application_data record of 100 bytes, none of which came yet.
        var waiting = await session.SendAsync(Requests.Received([23, 3, 3, 0, 100]));
        var refused = await Assert.ThrowsAsync<RpcException>(() => session.SendAsync(new ConnectRequest { ExportKeys = new ExportKeys() }));

        Assert.Equal(SslError.WantRead, waiting.Error);
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("part of a record is pending", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportKeys_WhileHandshaking_FailedPrecondition()
    {
        await using var server = await OpenSslServer.StartAsync(chain, "-rev");
        await using var session = await ForwardingClient.OpenAsync(Broker.Client, server.Port);
        var started = await session.SendAsync(Requests.StartRequest("localhost"));

        var refused = await Assert.ThrowsAsync<RpcException>(() => session.SendAsync(new ConnectRequest { ExportKeys = new ExportKeys() }));

        Assert.Equal(SslError.WantRead, started.Error);
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("only from an established session; this one is Handshaking", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_KeyExportMisconfigured_FailsListingEachProblem()
    {
        string[] args =
        [
            $"--Broker:Policies:default:TrustAnchors={chain.RootPath}",
            "--Broker:Policies:default:KeyExport:Allowed=true",
            $"--Broker:Policies:named:TrustAnchors={chain.RootPath}",
            "--Broker:Policies:named:KeyExport:Allowed=true",
            "--Broker:Policies:named:KeyExport:Callers:0=nobody",
        ];
        await using var app = BrokerApp.Create(args);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync().WaitAsync(TestTimeouts.Step));

        Assert.Contains("Broker:Policies:default: KeyExport:Allowed is true but KeyExport:Callers is empty: name the callers that may export keys", error.Failures);
        Assert.Contains(error.Failures, failure => failure.StartsWith("Broker:Policies:named:KeyExport:Callers names 'nobody', which is not a caller", StringComparison.Ordinal));
    }

    /// <summary>The secret's raw bytes, in hex (both cases) and in standard base64.</summary>
    private static IEnumerable<byte[]> Forms(byte[] secret)
    {
        yield return secret;
        yield return Encoding.ASCII.GetBytes(Convert.ToHexStringLower(secret));
        yield return Encoding.ASCII.GetBytes(Convert.ToHexString(secret));
        yield return Encoding.ASCII.GetBytes(Convert.ToBase64String(secret).TrimEnd('='));
    }
}
