using Microsoft.Extensions.Options;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Telemetry;

namespace TlsBroker.Server.Sessions;

/// <summary>
/// Counts the TLS sessions the broker holds right now and enforces
/// <see cref="BrokerOptions.MaxConcurrentSessions"/>. A slot is taken at Start and given back as
/// soon as the session closes or its stream ends, however it ends.
/// </summary>
public sealed class ActiveSessions
{
    private readonly int limit;
    private readonly BrokerMetrics metrics;
    private int count;

    internal ActiveSessions(IOptions<BrokerOptions> options, BrokerMetrics metrics)
    {
        limit = options.Value.MaxConcurrentSessions;
        this.metrics = metrics;
    }

    /// <summary>Sessions currently held.</summary>
    public int Count => Volatile.Read(ref count);

    public int Limit => limit;

    /// <summary>Takes a slot; false when <see cref="Limit"/> sessions are already held.</summary>
    internal bool TryAcquire()
    {
        var current = Volatile.Read(ref count);
        while (current < limit)
        {
            var seen = Interlocked.CompareExchange(ref count, current + 1, current);
            if (seen == current)
            {
                metrics.SessionOpened();
                return true;
            }

            current = seen;
        }

        return false;
    }

    internal void Release()
    {
        Interlocked.Decrement(ref count);
        metrics.SessionClosed();
    }
}
