using TlsBroker.Server.Hosting;

namespace TlsBroker.Server.Tests.Hosting;

[Trait("Category", "Unit")]
public sealed class TransportMemoryPoolTests
{
    [Fact]
    public void Rent_AnySizeUpToABlock_GivesAWholeBlock()
    {
        using var pool = new TransportMemoryPool();

        using var small = pool.Rent(1);
        using var whole = pool.Rent(TransportMemoryPool.BlockBytes);
        using var unspecified = pool.Rent();

        Assert.All([small, whole, unspecified], block => Assert.Equal(TransportMemoryPool.BlockBytes, block.Memory.Length));
        Assert.Equal(TransportMemoryPool.BlockBytes, pool.MaxBufferSize);
    }

    [Fact]
    public void Rent_MoreThanABlock_Refused()
    {
        using var pool = new TransportMemoryPool();

        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(TransportMemoryPool.BlockBytes + 1));
    }

    [Fact]
    public void Rent_AfterAReturn_ReusesTheBlock()
    {
        using var pool = new TransportMemoryPool();
        var first = pool.Rent();
        var memory = first.Memory;
        first.Dispose();

        using var second = pool.Rent();

        Assert.True(memory.Span == second.Memory.Span, "the returned block was not reused");
        Assert.Equal(0, pool.RetainedBlocks);
    }

    [Fact]
    public void Return_PastTheRetentionLimit_LeavesTheRestToTheGc()
    {
        using var pool = new TransportMemoryPool();
        var burst = Enumerable.Range(0, TransportMemoryPool.MaxRetainedBlocks + 10).Select(_ => pool.Rent()).ToList();

        burst.ForEach(block => block.Dispose());

        Assert.Equal(TransportMemoryPool.MaxRetainedBlocks, pool.RetainedBlocks);
    }

    [Fact]
    public void Rent_AfterDispose_Refused()
    {
        var pool = new TransportMemoryPool();
        pool.Dispose();

        Assert.Throws<ObjectDisposedException>(() => pool.Rent());
    }
}
