using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TlsBroker.Contracts.V1;
using TlsBroker.Server.Configuration;
using TlsBroker.Server.Tests.Infrastructure;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;

namespace TlsBroker.Server.Tests;

/// <summary>A 1 MiB file of random bytes downloaded from a real nginx through the broker arrives intact.</summary>
[Collection(SharedBrokerCollection.Name)]
[Trait("Category", "Functional")]
public sealed class NginxDownloadTests(BrokerFixture fixture)
{
    private const int FileSize = 1024 * 1024;

    [Fact]
    public async Task Connect_NginxServesOneMebibyte_BytesArriveIntact()
    {
        var file = RandomNumberGenerator.GetBytes(FileSize);
        await using var server = await NginxServer.StartAsync(fixture.EcdsaChain, new Dictionary<string, byte[]> { ["random.bin"] = file });
        await using var client = await ForwardingClient.ConnectAsync(fixture.Broker.Client, server.Port, Requests.Start("localhost", "", "http/1.1"));
        Assert.True(client.IsEstablished, $"{client.Handshake.Error}: {client.Handshake.Reason}\nnginx said:\n{server.Output}");

        await client.WriteAsync("GET /random.bin HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"u8.ToArray());
        var (response, last) = await client.ReadAsync(_ => false);

        var headerEnd = response.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.True(headerEnd > 0, "no HTTP header in what nginx sent");
        var header = Encoding.ASCII.GetString(response, 0, headerEnd);
        Assert.StartsWith("HTTP/1.1 200", header, StringComparison.Ordinal);
        var body = response.AsSpan(headerEnd + 4).ToArray();
        Assert.Equal(FileSize, body.Length);
        Assert.Equal(SHA256.HashData(file), SHA256.HashData(body));

        // nginx closes with close_notify after "Connection: close": SSL_read's ret 0 / SSL_ERROR_ZERO_RETURN.
        Assert.Equal(0, last.Ret);
        Assert.Equal(SslError.ZeroReturn, last.Error);
    }

    /// <summary>
    /// What an OpenSSL user does after SSL_ERROR_ZERO_RETURN (SSL_shutdown, and a read that was already
    /// under way) is answered as on an ended SSL object, and the stream still ends OK.
    /// </summary>
    [Fact]
    public async Task Connect_RequestsAfterServerCloseNotify_AnsweredWithTheEndedSession()
    {
        await using var server = await NginxServer.StartAsync(fixture.EcdsaChain, new Dictionary<string, byte[]> { ["small.txt"] = "small"u8.ToArray() });
        await using var client = await ForwardingClient.ConnectAsync(fixture.Broker.Client, server.Port, Requests.Start("localhost"));
        Assert.True(client.IsEstablished, client.Handshake.Reason);
        await client.WriteAsync("GET /small.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"u8.ToArray());
        var (_, last) = await client.ReadAsync(_ => false);

        var readAhead = await client.SendAsync(Requests.Received([0x17, 0x03, 0x03]));
        var shutdown = await client.ShutdownAsync();

        Assert.Equal(SslError.ZeroReturn, last.Error);
        Assert.Equal((0, SslError.ZeroReturn), (readAhead.Ret, readAhead.Error));
        Assert.Equal((1, SslError.None), (shutdown.Ret, shutdown.Error));
        Assert.True(shutdown.RecordsToSend.IsEmpty, "close_notify went both ways already; nothing more to send");
        Assert.Equal(Grpc.Core.StatusCode.OK, (await client.CompleteAsync()).StatusCode);
        await fixture.Broker.WaitForActiveSessionsAsync(0);
    }

    [Fact]
    public async Task Connect_StartResponse_CarriesSessionIdAndMessageLimit()
    {
        await using var server = await NginxServer.StartAsync(fixture.EcdsaChain, new Dictionary<string, byte[]>());
        await using var first = await ForwardingClient.ConnectAsync(fixture.Broker.Client, server.Port, Requests.Start("localhost"));
        await using var second = await ForwardingClient.ConnectAsync(fixture.Broker.Client, server.Port, Requests.Start("localhost"));
        var limit = fixture.Broker.Services.GetRequiredService<IOptions<BrokerOptions>>().Value.MaxMessageBytes;

        var session = first.Responses[0].Session;

        Assert.NotNull(session);
        Assert.False(string.IsNullOrEmpty(session.Id));
        Assert.NotEqual(session.Id, second.Responses[0].Session.Id);
        Assert.Equal(limit, session.MaxMessageBytes);
        Assert.All(first.Responses.Skip(1), response => Assert.Null(response.Session));
    }

    [Fact]
    public async Task Connect_SixteenConcurrentDownloads_EachIntactAndAllSessionsFreed()
    {
        const int sessions = 16;
        var files = Enumerable.Range(0, sessions).ToDictionary(i => $"file{i}.bin", _ => RandomNumberGenerator.GetBytes(64 * 1024));
        await using var server = await NginxServer.StartAsync(fixture.EcdsaChain, files);

        var downloads = files.Select(async file =>
        {
            await using var client = await ForwardingClient.ConnectAsync(fixture.Broker.Client, server.Port, Requests.Start("localhost"));
            Assert.True(client.IsEstablished, client.Handshake.Reason);
            await client.WriteAsync(Encoding.ASCII.GetBytes($"GET /{file.Key} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
            var (response, _) = await client.ReadAsync(_ => false);
            var body = response.AsSpan(response.AsSpan().IndexOf("\r\n\r\n"u8) + 4);
            Assert.Equal(SHA256.HashData(file.Value), SHA256.HashData(body));
        });
        await Task.WhenAll(downloads).WaitAsync(TestTimeouts.Scenario);

        await fixture.Broker.WaitForActiveSessionsAsync(0);
    }
}
