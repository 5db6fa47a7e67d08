using TlsBroker.Testing.Pki;

namespace TlsBroker.Cli.Tests.Infrastructure;

/// <summary>One test chain ("localhost", 127.0.0.1) and one in-process broker that trusts its root, shared by a test class.</summary>
public sealed class BrokerWithTestChain : IAsyncLifetime
{
    private InProcessBroker? broker;

    public TestChain Chain { get; } = TestChain.Create();

    public Uri BrokerAddress => (broker ?? throw new InvalidOperationException("the broker has not started")).Address;

    public async Task InitializeAsync() => broker = await InProcessBroker.StartAsync(Chain.RootPath);

    public async Task DisposeAsync()
    {
        if (broker is not null)
        {
            await broker.DisposeAsync();
        }

        Chain.Dispose();
    }
}
