namespace TlsBroker.Bench.Phases;

/// <summary>Failed operations of a phase, counted from many tasks, keeping the first one's message.</summary>
internal sealed class FailureCount
{
    private int count;
    private string? first;

    public int Count => Volatile.Read(ref count);

    public string? First => Volatile.Read(ref first);

    public void Add(Exception failure)
    {
        Interlocked.Increment(ref count);
        Interlocked.CompareExchange(ref first, $"{failure.GetType().Name}: {failure.Message}", null);
    }
}
