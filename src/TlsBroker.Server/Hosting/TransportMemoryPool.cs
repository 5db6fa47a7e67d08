using System.Buffers;
using System.Collections.Concurrent;

namespace TlsBroker.Server.Hosting;

/// <summary>
/// The memory Kestrel reads from and writes to sockets with, in blocks of <see cref="BlockBytes"/>.
/// Kestrel's socket transport receives into one pool block per call, and its own pool's blocks are
/// 4 KiB: a 64 KiB Received request, what the clients send in a bulk transfer, took at least 16
/// receive calls, each waking the HTTP/2 frame loop. With 64 KiB blocks one call takes what the
/// socket holds. A connection holds no block while it waits for data (Kestrel's
/// WaitForDataBeforeAllocatingBuffer), so idle sessions do not pay for the larger blocks.
/// Returned blocks are kept for reuse up to <see cref="MaxRetainedBlocks"/>; the rest are left to
/// the GC, so that a burst does not keep its memory.
/// </summary>
internal sealed class TransportMemoryPool : MemoryPool<byte>
{
    /// <summary>One block: the clients' largest request payload (64 KiB) in one receive call.</summary>
    public const int BlockBytes = 64 * 1024;

    /// <summary>Blocks kept for reuse: 8 MiB, room for a few dozen sessions in a bulk transfer at once.</summary>
    public const int MaxRetainedBlocks = 128;

    private readonly ConcurrentQueue<Block> retained = new();
    private int retainedCount;
    private volatile bool disposed;

    public override int MaxBufferSize => BlockBytes;

    /// <summary>Blocks waiting for reuse.</summary>
    public int RetainedBlocks => Volatile.Read(ref retainedCount);

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockBytes);
        ObjectDisposedException.ThrowIf(disposed, this);
        if (retained.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref retainedCount);
            return block;
        }

        return new Block(this);
    }

    protected override void Dispose(bool disposing)
    {
        disposed = true;
        retained.Clear();
    }

    private void Return(Block block)
    {
        if (disposed)
        {
            return;
        }

        if (Interlocked.Increment(ref retainedCount) <= MaxRetainedBlocks)
        {
            retained.Enqueue(block);
        }
        else
        {
            Interlocked.Decrement(ref retainedCount);
        }
    }

    /// <summary>Pinned, as Kestrel's own blocks are: socket calls pin what they read into and write from.</summary>
    private sealed class Block(TransportMemoryPool pool) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory { get; } = GC.AllocateUninitializedArray<byte>(BlockBytes, pinned: true);

        public void Dispose() => pool.Return(this);
    }
}
