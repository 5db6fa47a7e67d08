using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace TlsBroker.Server.Hosting;

/// <summary>Gives Kestrel <see cref="TransportMemoryPool"/>s instead of its 4 KiB-block pools (Kestrel takes the factory from the services).</summary>
internal sealed class TransportMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new TransportMemoryPool();
}
