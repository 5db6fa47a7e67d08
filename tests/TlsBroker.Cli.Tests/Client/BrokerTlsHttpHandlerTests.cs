using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using TlsBroker.Cli.Tests.Infrastructure;
using TlsBroker.Client;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;

namespace TlsBroker.Cli.Tests.Client;

/// <summary><see cref="HttpClient"/> through the handler, a real broker and a real nginx.</summary>
public sealed class BrokerTlsHttpHandlerTests(BrokerWithTestChain fixture) : IClassFixture<BrokerWithTestChain>
{
    [Fact]
    public async Task GetAsync_HttpsThroughTheBroker_ReturnsTheFileAndTheRequestKeepsItsUri()
    {
        var file = RandomNumberGenerator.GetBytes(300 * 1024);
        await using var nginx = await NginxServer.StartAsync(fixture.Chain, new Dictionary<string, byte[]> { ["file.bin"] = file });
        var options = new BrokerTlsHttpOptions { BrokerAddress = fixture.BrokerAddress, Timeout = TestTimeouts.Step };
        using var http = new HttpClient(new BrokerTlsHttpHandler(options)) { Timeout = TestTimeouts.Step };
        var uri = new Uri($"https://localhost:{nginx.Port}/file.bin");

        using var response = await http.GetAsync(uri).WaitAsync(TestTimeouts.Step);
        var body = await response.Content.ReadAsByteArrayAsync().WaitAsync(TestTimeouts.Step);
        using var missing = await http.GetAsync(new Uri($"https://localhost:{nginx.Port}/missing")).WaitAsync(TestTimeouts.Step);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SHA256.HashData(file), SHA256.HashData(body));
        Assert.Equal(uri, response.RequestMessage?.RequestUri);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task CreateClient_AddTlsBrokerHttpClient_FetchesThroughTheBrokerAndKeepsTheToken()
    {
        await using var nginx = await NginxServer.StartAsync(fixture.Chain, new Dictionary<string, byte[]> { ["hello.txt"] = "hello\n"u8.ToArray() });
        BrokerTlsHttpOptions? configured = null;
        var services = new ServiceCollection();
        services.AddTlsBrokerHttpClient("broker", options =>
        {
            options.BrokerAddress = fixture.BrokerAddress;
            options.Timeout = TestTimeouts.Step;
            configured = options;
        });
        await using var provider = services.BuildServiceProvider();

        var body = await provider.GetRequiredService<IHttpClientFactory>().CreateClient("broker")
            .GetStringAsync(new Uri($"https://localhost:{nginx.Port}/hello.txt")).WaitAsync(TestTimeouts.Step);

        Assert.Equal("hello\n", body);
        Assert.NotNull(configured);
        Assert.Equal(1, configured.SessionCache.Count);
    }

    [Fact]
    public async Task GetAsync_UnknownPolicy_ThrowsHttpRequestExceptionWithAccessDeniedInside()
    {
        await using var nginx = await NginxServer.StartAsync(fixture.Chain, new Dictionary<string, byte[]>());
        var options = new BrokerTlsHttpOptions { BrokerAddress = fixture.BrokerAddress, Policy = "no-such-policy", Timeout = TestTimeouts.Step };
        using var http = new HttpClient(new BrokerTlsHttpHandler(options)) { Timeout = TestTimeouts.Step };

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() =>
            http.GetAsync(new Uri($"https://localhost:{nginx.Port}/")).WaitAsync(TestTimeouts.Step));

        Assert.IsType<BrokerAccessDeniedException>(failure.InnerException);
    }
}
