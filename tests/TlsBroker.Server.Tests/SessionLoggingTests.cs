using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Server.Tests;

/// <summary>Session events are logged with stable EventIds and structured values, and never carry application data.</summary>
[Trait("Category", "Functional")]
public sealed class SessionLoggingTests : IAsyncLifetime
{
    private const string Secret = "a secret the broker must never log";

    private readonly CapturingLoggerProvider logs = new();
    private readonly TestChain chain = TestChain.Create();
    private BrokerHost broker = null!;

    public async Task InitializeAsync() => broker = await BrokerHost.StartAsync(
        [$"Broker:Policies:default:TrustAnchors={chain.RootPath}", "Logging:LogLevel:TlsBroker=Information"],
        builder => builder.Services.AddSingleton<ILoggerProvider>(logs));

    public async Task DisposeAsync()
    {
        await broker.DisposeAsync();
        chain.Dispose();
    }

    [Fact]
    public async Task Connect_SessionWithData_StartedEstablishedClosedLoggedWithoutPlaintext()
    {
        await using var server = await OpenSslServer.StartAsync(chain, "-rev");
        await using (var client = await ForwardingClient.ConnectAsync(broker.Client, server.Port, Requests.Start("localhost")))
        {
            await client.WriteAsync(System.Text.Encoding.ASCII.GetBytes(Secret + "\n"));
            await client.ReadAsync(received => received.ToArray().Contains((byte)'\n'));
            await client.CompleteAsync();
        }

        await broker.WaitForActiveSessionsAsync(0);
        var session = logs.Entries.Where(entry => entry.Category == "TlsBroker.Server.Sessions").ToList();
        var started = Assert.Single(session, entry => entry.EventId.Id == 1);
        var sessionId = started.Values["SessionId"];
        Assert.Equal("default", started.Values["Policy"]);
        Assert.Equal("localhost", started.Values["ServerName"]);
        Assert.Contains(session, entry => entry.EventId.Id == 2 && Equals(entry.Values["SessionId"], sessionId));
        Assert.Contains(session, entry => entry.EventId.Id == 4 && Equals(entry.Values["SessionId"], sessionId));
        Assert.DoesNotContain(logs.Entries, entry => entry.Message.Contains(Secret, StringComparison.Ordinal)
            || entry.Message.Contains("terces a", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Connect_VerifyFailure_FailedEventCarriesVerifyCodeAndAlert()
    {
        await using var server = await OpenSslServer.StartAsync(chain);
        await using var client = await ForwardingClient.ConnectAsync(broker.Client, server.Port, Requests.Start("wrong.test"));

        var failed = Assert.Single(logs.Entries, entry => entry.EventId.Id == 3);

        Assert.Equal(client.Handshake.Verify.Code, failed.Values["VerifyCode"]);
        Assert.Equal("SSL_ERROR_SSL", failed.Values["SslError"]);
        Assert.Contains(client.Handshake.Alert.Name, (string)failed.Values["Alert"]!, StringComparison.Ordinal);
    }
}
