using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using TlsBroker.Cli.Tests.Infrastructure;
using TlsBroker.Client;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;

namespace TlsBroker.Cli.Tests.Client;

/// <summary><see cref="HttpClient"/> through the handler, a real broker and a real nginx.</summary>
[Trait("Category", "Functional")]
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
        var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("broker");

        // The factory keeps its handlers (and their pooled connections, each a broker session)
        // beyond the provider; closing the connection after the answer lets the broker stop at once.
        http.DefaultRequestHeaders.ConnectionClose = true;
        var body = await http.GetStringAsync(new Uri($"https://localhost:{nginx.Port}/hello.txt")).WaitAsync(TestTimeouts.Step);

        Assert.Equal("hello\n", body);
        Assert.NotNull(configured);
        Assert.Equal(1, configured.SessionCache.Count);
    }

    [Fact]
    public async Task GetAsync_RedirectToAnHttpsLocation_FollowsItThroughTheBroker()
    {
        await using var nginx = await NginxServer.StartAsync(fixture.Chain, new Dictionary<string, byte[]>());
        Directory.CreateDirectory(Path.Combine(nginx.WebRoot, "dir"));
        await File.WriteAllTextAsync(Path.Combine(nginx.WebRoot, "dir", "index.html"), "inside\n");
        var options = new BrokerTlsHttpOptions { BrokerAddress = fixture.BrokerAddress, Timeout = TestTimeouts.Step };
        using var http = new HttpClient(new BrokerTlsHttpHandler(options)) { Timeout = TestTimeouts.Step };
        var noRedirects = new BrokerTlsHttpOptions { BrokerAddress = fixture.BrokerAddress, Timeout = TestTimeouts.Step, MaxAutomaticRedirections = 0 };
        using var unfollowed = new HttpClient(new BrokerTlsHttpHandler(noRedirects)) { Timeout = TestTimeouts.Step };
        var uri = new Uri($"https://localhost:{nginx.Port}/dir");

        // nginx answers a directory without its slash with 301 to https://localhost:PORT/dir/.
        using var redirect = await unfollowed.GetAsync(uri).WaitAsync(TestTimeouts.Step);
        using var response = await http.GetAsync(uri).WaitAsync(TestTimeouts.Step);

        Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
        Assert.Equal(new Uri(uri, "/dir/"), new Uri(uri, redirect.Headers.Location!));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("inside\n", await response.Content.ReadAsStringAsync().WaitAsync(TestTimeouts.Step));
        Assert.Equal(new Uri(uri, "/dir/"), response.RequestMessage?.RequestUri);
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
