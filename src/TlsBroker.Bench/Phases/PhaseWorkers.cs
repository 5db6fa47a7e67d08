using System.Diagnostics;

namespace TlsBroker.Bench.Phases;

/// <summary>
/// Runs an operation on a fixed number of concurrent workers for a <see cref="PhaseLength"/>
/// (a count of operations, or until a duration has passed), or until the time limit passes. A
/// failed operation is counted and the worker goes on; the time limit stops the workers quietly;
/// the caller's cancellation (Ctrl+C) throws.
/// </summary>
internal static class PhaseWorkers
{
    /// <summary>Runs <paramref name="operation"/> for indexes 0..count-1.</summary>
    public static Task RunAsync(
        int count, int workers, TimeSpan timeLimit, FailureCount failures, Func<int, CancellationToken, Task> operation, CancellationToken cancellationToken) =>
        RunAsync(PhaseLength.Of(count), workers, timeLimit, failures, operation, cancellationToken);

    public static async Task RunAsync(
        PhaseLength length, int workers, TimeSpan timeLimit, FailureCount failures, Func<int, CancellationToken, Task> operation, CancellationToken cancellationToken)
    {
        using var phase = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        phase.CancelAfter(timeLimit);
        var started = Stopwatch.GetTimestamp();
        var next = -1;
        var workerCount = length.Count is { } count ? Math.Min(workers, count) : workers;
        await Task.WhenAll(Enumerable.Range(0, workerCount).Select(_ => Task.Run(WorkerAsync, CancellationToken.None)));
        cancellationToken.ThrowIfCancellationRequested();

        bool MayStart(int index) => length.Count is { } total ? index < total : Stopwatch.GetElapsedTime(started) < length.Duration;

        async Task WorkerAsync()
        {
            int index;
            while (!phase.IsCancellationRequested && MayStart(index = Interlocked.Increment(ref next)))
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
