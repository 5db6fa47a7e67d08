using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using TlsBroker.Server.Telemetry;
using TlsBroker.Testing;

namespace TlsBroker.Server.Tests.Infrastructure;

/// <summary>Every long measurement one in-process broker's meter records, with its tags (other test classes run brokers in the same process).</summary>
internal sealed class BrokerMeasurements : IDisposable
{
    private readonly MeterListener listener = new();

    public BrokerMeasurements(BrokerHost broker)
    {
        var meterFactory = broker.Services.GetRequiredService<IMeterFactory>();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Meter.Name == BrokerMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, meterFactory))
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var copied = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                copied[tag.Key] = tag.Value?.ToString();
            }

            Recorded.Enqueue((instrument.Name, value, copied));
        });
        listener.Start();
    }

    public ConcurrentQueue<(string Instrument, long Value, Dictionary<string, string?> Tags)> Recorded { get; } = new();

    /// <summary>The sum of <paramref name="instrument"/>'s measurements carrying every given tag.</summary>
    public long Sum(string instrument, params (string Key, string Value)[] tags) =>
        Recorded.Where(m => m.Instrument == instrument && tags.All(tag => m.Tags.GetValueOrDefault(tag.Key) == tag.Value)).Sum(m => m.Value);

    /// <summary>Waits (bounded, polling) until the sum of <paramref name="instrument"/>'s measurements satisfies <paramref name="done"/>.</summary>
    public async Task WaitForSumAsync(string instrument, Func<long, bool> done, string what)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Step);
        while (!done(Sum(instrument)))
        {
            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"{instrument} is {Sum(instrument)} after {TestTimeouts.Step}, expected {what}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), CancellationToken.None);
        }
    }

    public void Dispose() => listener.Dispose();
}
