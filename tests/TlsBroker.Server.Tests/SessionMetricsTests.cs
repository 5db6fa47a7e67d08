using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Server.Telemetry;
using TlsBroker.Testing.Peers;

namespace TlsBroker.Server.Tests;

/// <summary>The broker's meter reports active sessions and handshakes by outcome.</summary>
[Collection(SharedBrokerCollection.Name)]
[Trait("Category", "Functional")]
public sealed class SessionMetricsTests(BrokerFixture fixture)
{
    [Fact]
    public async Task Connect_EstablishedThenClosed_ActiveSessionsAndHandshakeCounted()
    {
        await fixture.Broker.WaitForActiveSessionsAsync(0);
        var measurements = new ConcurrentQueue<(string Instrument, long Value, string? Outcome)>();
        var meterFactory = fixture.Broker.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            // Only this broker's meter: other test classes run brokers in the same process.
            if (instrument.Meter.Name == BrokerMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, meterFactory))
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? outcome = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "tlsbroker.outcome")
                {
                    outcome = tag.Value as string;
                }
            }

            measurements.Enqueue((instrument.Name, value, outcome));
        });
        listener.Start();

        await using (var server = await OpenSslServer.StartAsync(fixture.EcdsaChain))
        await using (var client = await ForwardingClient.ConnectAsync(fixture.Broker.Client, server.Port, Requests.Start("localhost")))
        {
            Assert.True(client.IsEstablished, client.Handshake.Reason);
            await client.CompleteAsync();
        }

        await fixture.Broker.WaitForActiveSessionsAsync(0);
        var active = measurements.Where(m => m.Instrument == "tlsbroker.sessions.active").Select(m => m.Value).ToList();
        Assert.Equal([1L, -1L], active);
        Assert.Contains(measurements, m => m.Instrument == "tlsbroker.handshakes" && m.Value == 1 && m.Outcome == "established");
    }
}
