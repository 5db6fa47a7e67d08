using TlsBroker.Server.Callers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Cli.Tests.Infrastructure;

/// <summary>
/// An in-process broker for key export, shared by a test class: policy "default" grants key export to caller "app"
/// only (caller "other" may use it but not export), "noexport" has it off, "cbc" grants it but allows only a CBC suite.
/// </summary>
public sealed class KeyExportBroker : IAsyncLifetime
{
    private InProcessBroker? broker;

    public TestChain Chain { get; } = TestChain.Create();

    public string AppKey { get; } = ApiKeys.NewKey();

    public string OtherKey { get; } = ApiKeys.NewKey();

    public Uri BrokerAddress => (broker ?? throw new InvalidOperationException("the broker has not started")).Address;

    public async Task InitializeAsync() => broker = await InProcessBroker.StartAsync(
        Chain.RootPath,
        $"Broker:Callers:app:ApiKeyHashes:0={ApiKeys.Hash(AppKey)}",
        "Broker:Callers:app:Policies:0=*",
        $"Broker:Callers:other:ApiKeyHashes:0={ApiKeys.Hash(OtherKey)}",
        "Broker:Callers:other:Policies:0=*",
        "Broker:Policies:default:KeyExport:Allowed=true",
        "Broker:Policies:default:KeyExport:Callers:0=app",
        $"Broker:Policies:noexport:TrustAnchors={Chain.RootPath}",
        $"Broker:Policies:cbc:TrustAnchors={Chain.RootPath}",
        "Broker:Policies:cbc:MaxVersion=1.2",
        "Broker:Policies:cbc:CipherSuites:0=TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
        "Broker:Policies:cbc:KeyExport:Allowed=true",
        "Broker:Policies:cbc:KeyExport:Callers:0=app");

    public async Task DisposeAsync()
    {
        if (broker is not null)
        {
            await broker.DisposeAsync();
        }

        Chain.Dispose();
    }
}
