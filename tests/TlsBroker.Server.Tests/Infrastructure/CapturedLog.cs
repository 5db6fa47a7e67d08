using Microsoft.Extensions.Logging;

namespace TlsBroker.Server.Tests.Infrastructure;

internal sealed record CapturedLog(string Category, EventId EventId, string Message, IReadOnlyDictionary<string, object?> Values, string? Exception = null);
