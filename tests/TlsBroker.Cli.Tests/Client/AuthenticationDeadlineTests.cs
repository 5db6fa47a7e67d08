using System.Diagnostics;
using System.Net.Sockets;
using Grpc.Net.Client;
using TlsBroker.Cli.Tests.Infrastructure;
using TlsBroker.Client;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;

namespace TlsBroker.Cli.Tests.Client;

/// <summary>
/// <see cref="BrokerTlsClientOptions.Timeout"/> and the caller's token around a handshake through a real broker with a
/// server that reads the ClientHello and never answers: the timeout is a <see cref="TimeoutException"/>, the caller's
/// cancellation stays an <see cref="OperationCanceledException"/>.
/// </summary>
[Trait("Category", "Functional")]
public sealed class AuthenticationDeadlineTests(BrokerWithTestChain fixture) : IClassFixture<BrokerWithTestChain>, IDisposable
{
    private readonly GrpcChannel channel = GrpcChannel.ForAddress(fixture.BrokerAddress);

    [Fact]
    public async Task AuthenticateAsClientAsync_SilentServer_TimeoutExceptionAtTheTimeout()
    {
        await using var server = ScriptedTcpPeer.Silent();
        await using var tls = new BrokerTlsStream(new NetworkStream(await LoopbackIo.ConnectSocketAsync(server.Port), ownsSocket: true));
        var options = Options(TimeSpan.FromSeconds(2));

        var clock = Stopwatch.StartNew();
        var failure = await Assert.ThrowsAsync<TimeoutException>(() => tls.AuthenticateAsClientAsync(options).WaitAsync(TestTimeouts.Step));
        clock.Stop();

        Assert.False(tls.IsAuthenticated);
        Assert.Contains("TLS handshake did not complete within 2 s", failure.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"the timeout came after {clock.Elapsed.TotalSeconds:0.0} s, before the 2 s it was given");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"the 2 s timeout came after {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task AuthenticateAsClientAsync_SilentServerCallerCancels_OperationCanceledNotTimeout()
    {
        await using var server = ScriptedTcpPeer.Silent();
        await using var tls = new BrokerTlsStream(new NetworkStream(await LoopbackIo.ConnectSocketAsync(server.Port), ownsSocket: true));
        using var cancel = new CancellationTokenSource();

        var authentication = tls.AuthenticateAsClientAsync(Options(TestTimeouts.Step), cancel.Token);
        await HelloReadAsync(server);
        await cancel.CancelAsync();
        var failure = await Record.ExceptionAsync(() => authentication.WaitAsync(TestTimeouts.Step));

        Assert.IsAssignableFrom<OperationCanceledException>(failure);
        Assert.False(tls.IsAuthenticated);
    }

    public void Dispose() => channel.Dispose();

    /// <summary>Waits, within <see cref="TestTimeouts.Step"/>, until the handshake is under way: the server has the ClientHello.</summary>
    private static async Task HelloReadAsync(ScriptedTcpPeer server)
    {
        var clock = Stopwatch.StartNew();
        while (server.HellosRead == 0)
        {
            Assert.True(clock.Elapsed < TestTimeouts.Step, "the ClientHello never reached the server");
            await Task.Delay(20);
        }
    }

    private BrokerTlsClientOptions Options(TimeSpan timeout) => new() { TargetHost = "localhost", Broker = channel, Timeout = timeout };
}
