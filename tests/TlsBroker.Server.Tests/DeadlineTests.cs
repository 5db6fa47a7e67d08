using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests;

/// <summary>
/// The handshake deadline and the idle timeout, on a broker whose clock is a FakeTimeProvider:
/// the tests move time forward instead of waiting for it.
/// </summary>
[Trait("Category", "Functional")]
public sealed class DeadlineTests : IAsyncLifetime
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(5);

    private readonly FakeTimeProvider time = new(DateTimeOffset.UtcNow);
    private readonly TestChain chain = TestChain.Create();
    private readonly CapturingLoggerProvider logs = new();
    private BrokerHost broker = null!;

    public async Task InitializeAsync()
    {
        broker = await StartBrokerAsync();
    }

    public async Task DisposeAsync()
    {
        await broker.DisposeAsync();
        chain.Dispose();
        logs.Dispose();
    }

    [Fact]
    public async Task Connect_PeerNeverAnswers_DeadlineExceededAndSessionFreed()
    {
        await using var peer = ScriptedTcpPeer.Silent();
        var handshake = ForwardingClient.ConnectAsync(broker.Client, peer.Port, Requests.Start("localhost"));
        await broker.WaitForActiveSessionsAsync(1);

        time.Advance(HandshakeTimeout + TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<RpcException>(() => handshake);
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Contains("handshake timeout", error.Status.Detail, StringComparison.Ordinal);
        await broker.WaitForActiveSessionsAsync(0);
    }

    [Fact]
    public async Task Connect_CallerWritesWithinEachIdleTimeout_StaysOpenUntilSilentForOne()
    {
        var almostIdleTimeout = IdleTimeout - TimeSpan.FromSeconds(10);
        await using var server = await OpenSslServer.StartAsync(chain);
        await using var client = await ForwardingClient.ConnectAsync(broker.Client, server.Port, Requests.Start("localhost"));
        Assert.True(client.IsEstablished, client.Handshake.Reason);

        for (var i = 0; i < 3; i++)
        {
            time.Advance(almostIdleTimeout);
            var written = await client.WriteAsync("ping\n"u8.ToArray());
            Assert.Equal(5, written.Ret);
        }

        time.Advance(IdleTimeout + TimeSpan.FromSeconds(1));

        var status = await client.WaitForEndAsync();
        Assert.Equal(StatusCode.DeadlineExceeded, status.StatusCode);
        Assert.Contains("idle timeout", status.Detail, StringComparison.Ordinal);
        await broker.WaitForActiveSessionsAsync(0);
    }

    /// <summary>
    /// A caller that keeps its stream open but reads no response blocks the broker's writes (HTTP/2 flow
    /// control); the blocked write gets the idle timeout, and the session is freed without the caller's help.
    /// Either the broker stopped reading at the first blocked answer (MaxBufferedResponseBytes 0), or it went
    /// on answering below its limit (4 MiB: the caller's 2 MiB of writes stay under it).
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(4 * 1024 * 1024)]
    public async Task Connect_CallerStopsReadingResponses_DeadlineExceededAndSessionFreed(int maxBufferedResponseBytes)
    {
        await using var limited = await StartBrokerAsync($"Broker:MaxBufferedResponseBytes={maxBufferedResponseBytes}");
        using var measurements = new BrokerMeasurements(limited);
        await using var server = await OpenSslServer.StartAsync(chain);
        await using var client = await ForwardingClient.ConnectAsync(limited.Client, server.Port, Requests.Start("localhost"));
        Assert.True(client.IsEstablished, client.Handshake.Reason);

        var plaintext = new byte[32 * 1024];
        var sent = 0;
        while (sent < 64 && await client.SendWithoutReadingAsync(Requests.Write(plaintext), TimeSpan.FromSeconds(2)))
        {
            sent++;
        }

        // Far more than the caller's HTTP/2 window and Kestrel's output buffer take: the broker's write is blocked now.
        var unreadWhenBlocked = maxBufferedResponseBytes == 0 ? 1 : 1024 * 1024;
        await measurements.WaitForSumAsync("tlsbroker.responses.unread", unread => unread >= unreadWhenBlocked, $"at least {unreadWhenBlocked} unread response bytes");
        time.Advance(IdleTimeout + TimeSpan.FromSeconds(1));
        await limited.WaitForActiveSessionsAsync(0);

        Assert.True(maxBufferedResponseBytes == 0 ? sent < 64 : sent == 64, $"{sent} requests went through");
        var rejected = await logs.WaitForAsync(entry => entry.EventId.Id == 5, "the session's rejection");
        Assert.Contains("DeadlineExceeded: the caller read no response for 300 s", rejected.Message, StringComparison.Ordinal);
        await measurements.WaitForSumAsync("tlsbroker.responses.unread", unread => unread == 0, "0 once the session is freed");

        // The broker ends the stream while its own writes are stuck, so a caller that reads again sees DEADLINE_EXCEEDED,
        // or the reset that cut the stuck writes short (CANCELLED or INTERNAL, as gRPC maps it); the broker's status is the one logged above.
        var status = await client.DrainToEndAsync();
        Assert.NotEqual(StatusCode.OK, status.StatusCode);
    }

    [Fact]
    public async Task Connect_SilentCallerAfterHandshake_IdleTimeoutDeadlineExceeded()
    {
        await using var server = await OpenSslServer.StartAsync(chain);
        await using var client = await ForwardingClient.ConnectAsync(broker.Client, server.Port, Requests.Start("localhost"));
        Assert.True(client.IsEstablished, client.Handshake.Reason);

        time.Advance(IdleTimeout + TimeSpan.FromSeconds(1));

        var status = await client.WaitForEndAsync();
        Assert.Equal(StatusCode.DeadlineExceeded, status.StatusCode);
        Assert.Contains("idle timeout", status.Detail, StringComparison.Ordinal);
        await broker.WaitForActiveSessionsAsync(0);
    }

    private Task<BrokerHost> StartBrokerAsync(params string[] settings) =>
        BrokerHost.StartAsync(
            [
                $"Broker:Policies:default:TrustAnchors={chain.RootPath}",
                $"Broker:HandshakeTimeout={HandshakeTimeout}",
                $"Broker:IdleTimeout={IdleTimeout}",
                .. settings,
            ],
            builder =>
            {
                builder.Services.AddSingleton<TimeProvider>(time);
                builder.Services.AddSingleton<ILoggerProvider>(logs);
            });
}
