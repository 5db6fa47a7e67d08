using System.Net;
using System.Net.Sockets;

namespace TlsBroker.Bench.Tests;

[Trait("Category", "Unit")]
public sealed class LoopbackSourcesTests
{
    [Fact]
    public void For_FewConnections_LeavesTheSourceToTheKernel()
    {
        Assert.Empty(LoopbackSources.For(new IPEndPoint(IPAddress.Loopback, 443), 1000).Addresses);
    }

    [Fact]
    public void For_NotLoopback_LeavesTheSourceToTheKernel()
    {
        Assert.Empty(LoopbackSources.For(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 443), 100_000).Addresses);
    }

    [Fact]
    public void For_MoreConnectionsThanOneAddressHasPorts_DistinctLoopbackAddressesEnoughForAll()
    {
        var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var portsPerAddress = int.Parse(range[1]) - int.Parse(range[0]) + 1;
        var connections = 3 * portsPerAddress;

        var addresses = LoopbackSources.For(new IPEndPoint(IPAddress.Loopback, 443), connections).Addresses;

        Assert.True(addresses.Count * portsPerAddress > connections, $"{addresses.Count} addresses of {portsPerAddress} ports for {connections} connections");
        Assert.All(addresses, a => Assert.True(IPAddress.IsLoopback(a), $"{a} is not loopback"));
        Assert.Equal(addresses.Count, addresses.Distinct().Count());
        Assert.Equal(IPAddress.Loopback, addresses[0]);
    }
}
