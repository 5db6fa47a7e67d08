using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace TlsBroker.Bench;

/// <summary>
/// Source addresses for many connections to one loopback port. From one source address, connections to
/// one destination can use only the ephemeral ports (/proc/sys/net/ipv4/ip_local_port_range, about 28,000
/// by default); every address of 127.0.0.0/8 is loopback on Linux without setup, so the connections are
/// spread over 127.0.0.1, 127.0.0.2, … as many as the count needs, in turn.
/// </summary>
internal sealed class LoopbackSources
{
    /// <summary>IP_BIND_ADDRESS_NO_PORT (linux/in.h): bind picks the address only; connect picks the port per 4-tuple.</summary>
    private const int BindAddressNoPort = 24;

    /// <summary>Ports per address assumed when the range cannot be read (Linux's default range 32768–60999).</summary>
    private const int DefaultEphemeralPorts = 28_232;

    /// <summary>Of each address's ports, the share used: ports in TIME_WAIT from earlier phases must not run it dry.</summary>
    private const double UsableShare = 0.75;

    private readonly IPAddress[] addresses;
    private int next = -1;

    private LoopbackSources(IPAddress[] addresses) => this.addresses = addresses;

    /// <summary>The addresses connections are bound to, in turn; empty when the kernel picks (one address is enough).</summary>
    public IReadOnlyList<IPAddress> Addresses => addresses;

    /// <summary>Sources for <paramref name="connections"/> connections to <paramref name="target"/>; none unless it is an IPv4 loopback address and one source is too few.</summary>
    public static LoopbackSources For(IPEndPoint target, int connections)
    {
        if (!OperatingSystem.IsLinux() || target.AddressFamily != AddressFamily.InterNetwork || !IPAddress.IsLoopback(target.Address))
        {
            return new LoopbackSources([]);
        }

        var perAddress = (int)(EphemeralPorts() * UsableShare);
        var count = (connections + perAddress - 1) / perAddress;
        if (count <= 1)
        {
            return new LoopbackSources([]);
        }

        var first = target.Address.GetAddressBytes();
        return new LoopbackSources([.. Enumerable.Range(0, count).Select(i => new IPAddress([127, 0, 0, (byte)(first[3] + i)]))]);
    }

    /// <summary>Binds <paramref name="socket"/> to the next source address, when there are several.</summary>
    public void Bind(Socket socket)
    {
        if (addresses.Length == 0)
        {
            return;
        }

        socket.SetRawSocketOption((int)SocketOptionLevel.IP, BindAddressNoPort, BitConverter.GetBytes(1));
        socket.Bind(new IPEndPoint(addresses[(int)((uint)Interlocked.Increment(ref next) % (uint)addresses.Length)], 0));
    }

    private static int EphemeralPorts()
    {
        try
        {
            // proc(5): ip_local_port_range holds two numbers, the first and the last port.
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return range.Length == 2
                && int.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out var low)
                && int.TryParse(range[1], NumberStyles.None, CultureInfo.InvariantCulture, out var high) && high > low
                ? high - low + 1
                : DefaultEphemeralPorts;
        }
        catch (IOException)
        {
            return DefaultEphemeralPorts;
        }
    }
}
