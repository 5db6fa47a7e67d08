using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests.Resumption;

/// <summary>
/// Brokers that differ only in their resumption keys, all trusting one ECDSA chain under the
/// policies "default" and "other": two replicas sharing key k1, one with only k2, one rotated to
/// k2 with k1 kept, one with k1 on a fake clock, and one with no key.
/// </summary>
public sealed class ResumptionBrokersFixture : IAsyncLifetime
{
    public const string OtherPolicy = "other";

    public static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(10);

    private readonly string key1 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly string key2 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public TestChain Chain { get; } = TestChain.Create();

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    internal BrokerHost ReplicaA { get; private set; } = null!;

    internal BrokerHost ReplicaB { get; private set; } = null!;

    internal BrokerHost OtherKey { get; private set; } = null!;

    internal BrokerHost Rotated { get; private set; } = null!;

    internal BrokerHost FakeClock { get; private set; } = null!;

    internal BrokerHost NoKeys { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ReplicaA = await StartAsync(("k1", key1));
        ReplicaB = await StartAsync(("k1", key1));
        OtherKey = await StartAsync(("k2", key2));
        Rotated = await StartAsync(("k2", key2), ("k1", key1));
        FakeClock = await BrokerHost.StartAsync(Settings(("k1", key1)), builder => builder.Services.AddSingleton<TimeProvider>(Time));
        NoKeys = await StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var broker in new[] { ReplicaA, ReplicaB, OtherKey, Rotated, FakeClock, NoKeys })
        {
            await broker.DisposeAsync();
        }

        Chain.Dispose();
    }

    private Task<BrokerHost> StartAsync(params (string Id, string Key)[] keys) => BrokerHost.StartAsync(Settings(keys));

    private List<string> Settings(params (string Id, string Key)[] keys)
    {
        List<string> settings =
        [
            $"Broker:Policies:default:TrustAnchors={Chain.RootPath}",
            $"Broker:Policies:{OtherPolicy}:TrustAnchors={Chain.RootPath}",
            $"Broker:Resumption:TokenLifetime={TokenLifetime}",
        ];
        for (var i = 0; i < keys.Length; i++)
        {
            settings.Add($"Broker:Resumption:Keys:{i}:Id={keys[i].Id}");
            settings.Add($"Broker:Resumption:Keys:{i}:Key={keys[i].Key}");
        }

        return settings;
    }
}
