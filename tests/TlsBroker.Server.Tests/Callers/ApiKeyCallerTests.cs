using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TlsBroker.Server.Callers;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests.Callers;

/// <summary>
/// A broker with two configured callers, over h2c on loopback: "billing" (two keys, for rotation;
/// policy "default" only) and "reports" (every policy). Calls without a valid key are refused
/// before any session exists; a policy not granted gets the unknown policy's answer.
/// </summary>
[Trait("Category", "Functional")]
public sealed class ApiKeyCallerTests : IAsyncLifetime
{
    private readonly TestChain chain = TestChain.Create();
    private readonly string billingKey = ApiKeys.NewKey();
    private readonly string billingNextKey = ApiKeys.NewKey();
    private readonly string reportsKey = ApiKeys.NewKey();
    private BrokerHost broker = null!;
    private GrpcChannel channel = null!;

    public async Task InitializeAsync()
    {
        broker = await BrokerHost.StartAsync(Settings([ApiKeys.Hash(billingKey), ApiKeys.Hash(billingNextKey)]));
        channel = GrpcChannel.ForAddress(broker.Address);
    }

    public async Task DisposeAsync()
    {
        channel.Dispose();
        await broker.DisposeAsync();
        chain.Dispose();
    }

    [Fact]
    public async Task Connect_NoAuthorization_Unauthenticated()
    {
        var (_, status) = await CallerClients.StartAsync(broker.Client);

        Assert.Equal(StatusCode.Unauthenticated, status.StatusCode);
        Assert.Contains("no credentials", status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, broker.Sessions.Count);
    }

    [Theory]
    [InlineData("Bearer not-a-configured-key")]
    [InlineData("Bearer ")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task Connect_WrongOrMalformedKey_Unauthenticated(string authorization)
    {
        var (_, status) = await CallerClients.StartAsync(CallerClients.WithAuthorization(channel, authorization));

        Assert.Equal(StatusCode.Unauthenticated, status.StatusCode);
        Assert.False(string.IsNullOrEmpty(status.Detail));
    }

    [Fact]
    public async Task Connect_EitherRotationKey_HandshakeCompletes()
    {
        await using var server = await OpenSslServer.StartAsync(chain);

        foreach (var key in new[] { billingKey, billingNextKey })
        {
            await using var client = await ForwardingClient.ConnectAsync(CallerClients.WithApiKey(channel, key), server.Port, Requests.Start("localhost"));
            Assert.True(client.IsEstablished, client.Handshake.Reason);
        }
    }

    [Fact]
    public async Task Connect_PolicyNotGranted_SameAnswerAsUnknownPolicy()
    {
        var billing = CallerClients.WithApiKey(channel, billingKey);

        var (_, notGranted) = await CallerClients.StartAsync(billing, "internal");
        var (_, unknown) = await CallerClients.StartAsync(billing, "no-such-policy");
        var (granted, _) = await CallerClients.StartAsync(CallerClients.WithApiKey(channel, reportsKey), "internal");

        Assert.Equal(StatusCode.PermissionDenied, notGranted.StatusCode);
        Assert.Equal(unknown.StatusCode, notGranted.StatusCode);
        Assert.Equal(unknown.Detail.Replace("no-such-policy", "P", StringComparison.Ordinal), notGranted.Detail.Replace("internal", "P", StringComparison.Ordinal));
        Assert.NotNull(granted);
        Assert.False(granted.RecordsToSend.IsEmpty, "the granted caller's Start should produce a ClientHello");
    }

    /// <summary>Revocation: a reload without the key refuses it from the next call on; a reload with a bad hash is refused and the previous keys stay.</summary>
    [Fact]
    public async Task Connect_KeyRemovedFromConfiguration_Unauthenticated()
    {
        var directory = broker.Services.GetRequiredService<CallerDirectory>();
        var billing = CallerClients.WithApiKey(channel, billingKey);
        var (before, _) = await CallerClients.StartAsync(billing);

        var invalidAccepted = directory.TryReload(Bind(Settings(["not-a-hash"])));
        var (afterInvalid, _) = await CallerClients.StartAsync(billing);
        var revokedAccepted = directory.TryReload(Bind(Settings([ApiKeys.Hash(billingNextKey)])));
        var (_, revoked) = await CallerClients.StartAsync(billing);
        var (stillValid, _) = await CallerClients.StartAsync(CallerClients.WithApiKey(channel, billingNextKey));

        Assert.NotNull(before);
        Assert.False(invalidAccepted);
        Assert.NotNull(afterInvalid);
        Assert.True(revokedAccepted);
        Assert.Equal(StatusCode.Unauthenticated, revoked.StatusCode);
        Assert.NotNull(stillValid);
    }

    private List<string> Settings(string[] billingHashes)
    {
        List<string> settings =
        [
            $"Broker:Policies:default:TrustAnchors={chain.RootPath}",
            $"Broker:Policies:internal:TrustAnchors={chain.RootPath}",
            "Broker:Callers:billing:Policies:0=default",
            $"Broker:Callers:reports:ApiKeyHashes:0={ApiKeys.Hash(reportsKey)}",
            "Broker:Callers:reports:Policies:0=*",
        ];
        settings.AddRange(billingHashes.Select((hash, index) => $"Broker:Callers:billing:ApiKeyHashes:{index}={hash}"));
        return settings;
    }

    private static BrokerOptions Bind(IEnumerable<string> settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(setting => setting.Split('=', 2)).Select(pair => KeyValuePair.Create(pair[0], (string?)pair[1])))
            .Build()
            .GetSection(BrokerOptions.SectionName)
            .Get<BrokerOptions>()!;
}
