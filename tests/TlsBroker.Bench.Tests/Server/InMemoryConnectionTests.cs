using TlsBroker.Bench.Server;

namespace TlsBroker.Bench.Tests.Server;

[Trait("Category", "Unit")]
public sealed class InMemoryConnectionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ReadAsync_BytesWrittenAtTheOtherEnd_ReadInOrderAcrossWrites()
    {
        var (client, server) = InMemoryConnection.CreatePair();
        await client.WriteAsync(new byte[] { 1, 2, 3 });
        await client.WriteAsync(new byte[] { 4 });

        var buffer = new byte[4];
        await server.ReadExactlyAsync(buffer).AsTask().WaitAsync(Timeout);

        Assert.Equal(new byte[] { 1, 2, 3, 4 }, buffer);
    }

    [Fact]
    public async Task ReadAsync_OtherEndDisposed_EndOfStream()
    {
        var (client, server) = InMemoryConnection.CreatePair();
        await server.WriteAsync(new byte[] { 9 });
        await server.DisposeAsync();

        var buffer = new byte[2];
        Assert.Equal(1, await client.ReadAsync(buffer).AsTask().WaitAsync(Timeout));
        Assert.Equal(0, await client.ReadAsync(buffer).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task ReadAsync_ZeroBytes_WaitsForDataAndTakesNone()
    {
        var (client, server) = InMemoryConnection.CreatePair();
        var waiting = server.ReadAsync(Memory<byte>.Empty).AsTask();
        Assert.False(waiting.IsCompleted);

        await client.WriteAsync(new byte[] { 7 });

        Assert.Equal(0, await waiting.WaitAsync(Timeout));
        var buffer = new byte[1];
        Assert.Equal(1, await server.ReadAsync(buffer).AsTask().WaitAsync(Timeout));
        Assert.Equal(7, buffer[0]);
    }
}
