using System.Buffers;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using TlsBroker.Server.Hosting;
using TlsBroker.Server.Tests.Infrastructure;

namespace TlsBroker.Server.Tests.Hosting;

/// <summary>The broker's Kestrel takes its sockets' memory from <see cref="TransportMemoryPool"/> (transfers through it: NginxDownloadTests, the client tests).</summary>
[Trait("Category", "Functional")]
public sealed class TransportMemoryPoolHostTests
{
    [Fact]
    public async Task Broker_Services_GiveKestrelTheLargeBlockPools()
    {
        await using var broker = await BrokerHost.StartAsync([]);

        var factory = broker.Services.GetRequiredService<IMemoryPoolFactory<byte>>();

        Assert.IsType<TransportMemoryPoolFactory>(factory);
        using MemoryPool<byte> pool = factory.Create();
        Assert.Equal(TransportMemoryPool.BlockBytes, pool.MaxBufferSize);
    }
}
