using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TlsBroker.Server.Tests.Infrastructure;

/// <summary>Keeps every log entry the broker writes, with its EventId and structured values, for tests to inspect.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<CapturedLog> Entries { get; } = new();

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
