using Microsoft.Extensions.Options;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Telemetry;

namespace TlsBroker.Server.Sessions;

/// <summary>
/// Counts the TLS sessions the broker holds right now and enforces
/// <see cref="BrokerOptions.MaxConcurrentSessions"/> as configured now (a reload that lowers it
/// refuses new sessions until enough have ended; none is cut). A slot is taken at Start and given back as
/// soon as the session closes or its stream ends, however it ends.
/// </summary>
public sealed class ActiveSessions
{
    private readonly IOptionsMonitor<BrokerOptions> options;
    private readonly BrokerMetrics metrics;
    private int count;

    internal ActiveSessions(IOptionsMonitor<BrokerOptions> options, BrokerMetrics metrics)
    {
        this.options = options;
        this.metrics = metrics;
    }

    /// <summary>Sessions currently held.</summary>
    public int Count => Volatile.Read(ref count);

    public int Limit => options.CurrentValue.MaxConcurrentSessions;

    /// <summary>Takes a slot; false when <see cref="Limit"/> sessions are already held.</summary>
    internal bool TryAcquire()
    {
        var limit = Limit;
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
