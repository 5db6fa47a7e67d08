using Grpc.Core;
using Grpc.Net.Client;
using TlsBroker.Server.Callers;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests.Callers;

/// <summary>
/// With callers configured, Verify is authorized exactly as Connect: no key is UNAUTHENTICATED, a
/// policy not granted gets Connect's PERMISSION_DENIED, word for word, counted
/// under the same rejection reason.
/// </summary>
[Trait("Category", "Functional")]
public sealed class VerifyCallerTests : IAsyncLifetime
{
    private readonly TestChain chain = TestChain.Create();
    private readonly string billingKey = ApiKeys.NewKey();
    private BrokerHost broker = null!;
    private GrpcChannel channel = null!;

    public async Task InitializeAsync()
    {
        broker = await BrokerHost.StartAsync(
        [
            $"Broker:Policies:default:TrustAnchors={chain.RootPath}",
            $"Broker:Policies:internal:TrustAnchors={chain.RootPath}",
            $"Broker:Callers:billing:ApiKeyHashes:0={ApiKeys.Hash(billingKey)}",
            "Broker:Callers:billing:Policies:0=default",
        ]);
        channel = GrpcChannel.ForAddress(broker.Address);
    }

    public async Task DisposeAsync()
    {
        channel.Dispose();
        await broker.DisposeAsync();
        chain.Dispose();
    }

    [Fact]
    public async Task Verify_PolicyNotGranted_PermissionDeniedAsConnect()
    {
        var billing = CallerClients.WithApiKey(channel, billingKey);
        using var measurements = new BrokerMeasurements(broker);

        var verifyStatus = await VerifyCalls.StatusOfAsync(billing, VerifyCalls.Request(chain, "localhost", "internal"));
        var countedAfterVerify = measurements.Sum("tlsbroker.calls.rejected", ("tlsbroker.reason", "policy"));
        var (_, connectStatus) = await CallerClients.StartAsync(billing, "internal");
        var granted = await VerifyCalls.VerifyAsync(billing, VerifyCalls.Request(chain, "localhost", "default"));

        Assert.Equal(StatusCode.PermissionDenied, verifyStatus.StatusCode);
        Assert.Equal(connectStatus, verifyStatus);
        Assert.Equal(1, countedAfterVerify);
        Assert.Equal(0, granted.Verify.Code);
    }

    [Fact]
    public async Task Verify_NoAuthorization_Unauthenticated()
    {
        var status = await VerifyCalls.StatusOfAsync(broker.Client, VerifyCalls.Request(chain, "localhost"));

        Assert.Equal(StatusCode.Unauthenticated, status.StatusCode);
    }
}
