using System.Net;
using System.Net.Sockets;

namespace TlsBroker.Bench.Tests;

/// <summary>Real TCP connections on loopback, bound by <see cref="LoopbackSources"/>.</summary>
[Trait("Category", "Functional")]
public sealed class LoopbackSourcesConnectTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ConnectAsync_SeveralSources_ConnectionsArriveFromEachInTurn()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(16);
        var target = new BenchTarget((IPEndPoint)listener.LocalEndPoint!, "listener", "localhost", IsLocalServer: true);
        var sources = LoopbackSources.For(target.EndPoint, 100_000);
        using var deadline = new CancellationTokenSource(Timeout);

        var seen = new List<IPAddress>();
        for (var i = 0; i < sources.Addresses.Count; i++)
        {
            using var client = await target.ConnectAsync(sources, deadline.Token);
            using var accepted = await listener.AcceptAsync(deadline.Token);
            seen.Add(((IPEndPoint)accepted.RemoteEndPoint!).Address);
        }

        Assert.Equal(sources.Addresses, seen);
    }
}
