using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using TlsBroker.Testing;

namespace TlsBroker.Server.Tests.Infrastructure;

/// <summary>Keeps every log entry the broker writes, with its EventId and structured values, for tests to inspect.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<CapturedLog> Entries { get; } = new();

    /// <summary>Waits (bounded, polling) until an entry matches <paramref name="match"/>, and returns the first that does.</summary>
    public async Task<CapturedLog> WaitForAsync(Func<CapturedLog, bool> match, string what)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Step);
        while (true)
        {
            if (Entries.FirstOrDefault(match) is { } entry)
            {
                return entry;
            }

            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"no log entry {what} within {TestTimeouts.Step}; logged:\n{string.Join('\n', Entries.Select(e => $"{e.Category}[{e.EventId.Id}] {e.Message}"))}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), CancellationToken.None);
        }
    }

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            provider.Entries.Enqueue(new CapturedLog(category, eventId, formatter(state, exception), values.ToDictionary(pair => pair.Key, pair => pair.Value), exception?.ToString()));
        }
    }
}
