namespace TlsBroker.Bench.Phases;

/// <summary>
/// Runs an operation for indexes 0..count-1 on a fixed number of concurrent workers, until all are
/// done or the time limit passes. A failed operation is counted and the worker goes on; the time
/// limit stops the workers quietly; the caller's cancellation (Ctrl+C) throws.
/// </summary>
internal static class PhaseWorkers
{
    public static async Task RunAsync(
        int count, int workers, TimeSpan timeLimit, FailureCount failures, Func<int, CancellationToken, Task> operation, CancellationToken cancellationToken)
    {
        using var phase = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        phase.CancelAfter(timeLimit);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Math.Min(workers, count)).Select(_ => Task.Run(WorkerAsync, CancellationToken.None)));
        cancellationToken.ThrowIfCancellationRequested();

        async Task WorkerAsync()
        {
            int index;
            while (!phase.IsCancellationRequested && (index = Interlocked.Increment(ref next)) < count)
            {
                try
                {
                    await operation(index, phase.Token);
                }
                catch (Exception e) when (BenchFailures.IsPhaseTimeout(e, phase.Token, cancellationToken))
                {
                    return;
                }
                catch (Exception e) when (BenchFailures.IsOperationFailure(e))
                {
                    failures.Add(e);
                }
            }
        }
    }
}
