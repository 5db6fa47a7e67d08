using Microsoft.Extensions.Options;
using TlsBroker.Server.Configuration;

namespace TlsBroker.Server.Reload;

/// <summary>
/// <see cref="IOptionsMonitor{TOptions}"/> of <see cref="BrokerOptions"/> over <see cref="LiveConfiguration"/>:
/// <see cref="CurrentValue"/> is the configuration in force and listeners hear of each applied reload.
/// The framework's monitor would instead throw <see cref="OptionsValidationException"/> from CurrentValue
/// while an edit is invalid, and would not keep the previous values in force.
/// </summary>
internal sealed class LiveOptionsMonitor : IOptionsMonitor<BrokerOptions>
{
    private readonly LiveConfiguration live;
    private readonly IOptionsFactory<BrokerOptions> factory;
    private readonly Lock gate = new();
    private volatile Action<BrokerOptions, string?>[] listeners = [];

    public LiveOptionsMonitor(LiveConfiguration live, IOptionsFactory<BrokerOptions> factory)
    {
        this.live = live;
        this.factory = factory;
        live.Applied += snapshot =>
        {
            foreach (var listener in listeners)
            {
                listener(snapshot.Options, Options.DefaultName);
            }
        };
    }

    public BrokerOptions CurrentValue => live.Current.Options;

    /// <summary>The unnamed options are the live ones; a named instance (none is configured today) is bound as the framework would.</summary>
    public BrokerOptions Get(string? name) =>
        string.IsNullOrEmpty(name) || name == Options.DefaultName ? CurrentValue : factory.Create(name);

    public IDisposable? OnChange(Action<BrokerOptions, string?> listener)
    {
        lock (gate)
        {
            listeners = [.. listeners, listener];
        }

        return new Registration(this, listener);
    }

    private void Remove(Action<BrokerOptions, string?> listener)
    {
        lock (gate)
        {
            listeners = [.. listeners.Where(item => item != listener)];
        }
    }

    private sealed class Registration(LiveOptionsMonitor monitor, Action<BrokerOptions, string?> listener) : IDisposable
    {
        public void Dispose() => monitor.Remove(listener);
    }
}
