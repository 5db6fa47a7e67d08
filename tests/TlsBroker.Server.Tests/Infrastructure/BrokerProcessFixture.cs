using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests.Infrastructure;

/// <summary>One broker process shared by a test class, its "default" policy trusting <see cref="Chain"/>'s root.</summary>
public sealed class BrokerProcessFixture : IAsyncLifetime
{
    public TestChain Chain { get; } = TestChain.Create();

    internal BrokerProcess Broker { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Broker = await BrokerProcess.StartAsync([$"Broker__Policies__default__TrustAnchors={Chain.RootPath}"]);

    public async Task DisposeAsync()
    {
        await Broker.DisposeAsync();
        Chain.Dispose();
    }
}
