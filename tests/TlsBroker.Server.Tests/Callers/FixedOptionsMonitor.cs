using Microsoft.Extensions.Options;
using TlsBroker.Server.Configuration;

namespace TlsBroker.Server.Tests.Callers;

/// <summary>Broker options that never change, for the caller middleware's unit tests.</summary>
internal sealed class FixedOptionsMonitor(BrokerOptions options) : IOptionsMonitor<BrokerOptions>
{
    public BrokerOptions CurrentValue => options;

    public BrokerOptions Get(string? name) => options;

    public IDisposable? OnChange(Action<BrokerOptions, string?> listener) => null;
}
