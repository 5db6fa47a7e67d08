using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests;

/// <summary>
/// MaxBufferedResponseBytes on a real broker with a real gRPC caller that stops reading and goes on writing:
/// the broker answers while the unread answers stay under the limit, then ends the session at once, long
/// before the idle timeout (5 min here) could.
/// </summary>
[Trait("Category", "Functional")]
public sealed class BufferedResponseLimitTests : IAsyncLifetime
{
    private const int Limit = 64 * 1024;

    private readonly TestChain chain = TestChain.Create();
    private readonly CapturingLoggerProvider logs = new();
    private BrokerHost broker = null!;

    public async Task InitializeAsync()
    {
        broker = await BrokerHost.StartAsync(
            [
                $"Broker:Policies:default:TrustAnchors={chain.RootPath}",
                $"Broker:MaxBufferedResponseBytes={Limit}",
                "Broker:IdleTimeout=00:05:00",
            ],
            builder => builder.Services.AddSingleton<ILoggerProvider>(logs));
    }

    public async Task DisposeAsync()
    {
        await broker.DisposeAsync();
        chain.Dispose();
        logs.Dispose();
    }

    [Fact]
    public async Task Connect_CallerStopsReadingAndKeepsWriting_ResourceExhaustedNamingTheLimitAndSessionFreed()
    {
        using var measurements = new BrokerMeasurements(broker);
        await using var server = await OpenSslServer.StartAsync(chain);
        await using var client = await ForwardingClient.ConnectAsync(broker.Client, server.Port, Requests.Start("localhost"));
        Assert.True(client.IsEstablished, client.Handshake.Reason);
        var elapsed = Stopwatch.StartNew();

        // 64 writes of 32 KiB: 2 MiB of answers, far more than the limit plus what the caller's HTTP/2 window and Kestrel's buffer take.
        var plaintext = new byte[32 * 1024];
        for (var i = 0; i < 64 && broker.Sessions.Count > 0; i++)
        {
            if (!await TrySendAsync(client, plaintext))
            {
                break;
            }
        }

        await broker.WaitForActiveSessionsAsync(0);
        elapsed.Stop();

        var rejected = await logs.WaitForAsync(entry => entry.EventId.Id == 5, "the session's rejection");
        Assert.Equal(
            $"Session {client.Responses[0].Session.Id} rejected with ResourceExhausted: the caller left more than {Limit} bytes of responses unread (MaxBufferedResponseBytes): the session is ended",
            rejected.Message);
        var audit = await logs.WaitForAsync(entry => entry.EventId.Id == 310, "the session's audit record");
        Assert.Equal(nameof(StatusCode.ResourceExhausted), audit.Values["GrpcStatus"]);
        Assert.Equal("aborted", audit.Values["Outcome"]);
        await measurements.WaitForSumAsync("tlsbroker.responses.unread", unread => unread == 0, "0 once the session is freed");
        Assert.Equal(1, measurements.Sum("tlsbroker.sessions", ("tlsbroker.outcome", "aborted")));
        Assert.Equal(0, measurements.Sum("tlsbroker.sessions.active"));
        Assert.True(elapsed.Elapsed < TestTimeouts.Step, $"freed after {elapsed.Elapsed}");

        // The broker ends the stream while its writes wait for the caller, so a caller that reads again sees
        // RESOURCE_EXHAUSTED, or the reset that cut the waiting writes short (CANCELLED or INTERNAL, as gRPC maps it); the broker's status is the one logged above.
        var status = await client.DrainToEndAsync();
        Assert.NotEqual(StatusCode.OK, status.StatusCode);
    }

    /// <summary>False once the broker no longer takes requests (it ended the call).</summary>
    private static async Task<bool> TrySendAsync(ForwardingClient client, byte[] plaintext)
    {
        try
        {
            return await client.SendWithoutReadingAsync(Requests.Write(plaintext), TimeSpan.FromSeconds(2));
        }
        catch (RpcException)
        {
            return false;
        }
        catch (IOException)
        {
            // The broker cut the stream short (RST_STREAM): its writes could not wait for a caller that does not read.
            return false;
        }
    }
}
