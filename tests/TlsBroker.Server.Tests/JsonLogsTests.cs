using System.Text.Json;
using TlsBroker.Server.Tests.Infrastructure;

namespace TlsBroker.Server.Tests;

/// <summary>Operators choose JSON console logs by configuration alone (README, "Operating it"): one object per line, with a UTC timestamp.</summary>
[Trait("Category", "Functional")]
public sealed class JsonLogsTests
{
    [Fact]
    public async Task Logs_JsonFormatterConfigured_OneJsonObjectPerLineWithTimestampAndEventFields()
    {
        await using var broker = await BrokerProcess.StartAsync(
            [
                "Logging__Console__FormatterName=json",
                "Logging__Console__FormatterOptions__UseUtcTimestamp=true",
                "Logging__Console__FormatterOptions__TimestampFormat=yyyy-MM-ddTHH:mm:ss.fffZ",
            ]);

        var lines = broker.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var records = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var listening = records.Single(record => record.GetProperty("EventId").GetInt32() == 7 && record.GetProperty("Category").GetString()!.StartsWith("TlsBroker.", StringComparison.Ordinal));

        Assert.NotEmpty(records);
        Assert.All(records, record => Assert.True(
            DateTimeOffset.TryParse(record.GetProperty("Timestamp").GetString(), out var at) && at.Offset == TimeSpan.Zero,
            record.ToString()));
        Assert.Equal(broker.Address.ToString(), listening.GetProperty("State").GetProperty("Address").GetString());
    }
}
