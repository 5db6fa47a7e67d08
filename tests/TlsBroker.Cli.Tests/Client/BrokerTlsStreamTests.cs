using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using TlsBroker.Cli.Tests.Infrastructure;
using TlsBroker.Client;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Cli.Tests.Client;

/// <summary>The client library through a real broker against a real <c>openssl s_server -rev</c>.</summary>
[Trait("Category", "Functional")]
public sealed class BrokerTlsStreamTests(BrokerWithTestChain fixture) : IClassFixture<BrokerWithTestChain>, IDisposable
{
    private readonly GrpcChannel channel = GrpcChannel.ForAddress(fixture.BrokerAddress);

    [Fact]
    public async Task ReadAsync_CloseNotifyFromServer_ReturnsDataThenZeroWithZeroReturn()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev");
        await using var tls = await ConnectAsync(server, "localhost");

        await tls.WriteAsync(Encoding.ASCII.GetBytes("hello\n")).AsTask().WaitAsync(TestTimeouts.Step);
        var reply = await LoopbackIo.ReadLineAsync(tls);
        await tls.WriteAsync(Encoding.ASCII.GetBytes("CLOSE\n")).AsTask().WaitAsync(TestTimeouts.Step);
        var afterClose = await tls.ReadAsync(new byte[16]).AsTask().WaitAsync(TestTimeouts.Step);

        Assert.Equal("olleh", reply);
        Assert.Equal(0, afterClose);
        Assert.Equal(SslErrorCode.ZeroReturn, tls.SessionEnd?.Error);
        Assert.Equal(0, tls.SessionEnd?.Ret);
        Assert.False(tls.SessionEnd?.IsUnexpectedEof);
    }

    [Fact]
    public async Task ReadAsync_ServerKilled_ThrowsUnexpectedEofEveryTime()
    {
        var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev");
        await using var tls = await ConnectAsync(server, "localhost");
        await tls.WriteAsync(Encoding.ASCII.GetBytes("hello\n")).AsTask().WaitAsync(TestTimeouts.Step);
        Assert.Equal("olleh", await LoopbackIo.ReadLineAsync(tls));

        await server.DisposeAsync();
        var truncated = await Assert.ThrowsAsync<BrokerTlsException>(() => tls.ReadAsync(new byte[16]).AsTask().WaitAsync(TestTimeouts.Step));
        var again = await Assert.ThrowsAsync<BrokerTlsException>(() => tls.ReadAsync(new byte[16]).AsTask().WaitAsync(TestTimeouts.Step));

        Assert.True(truncated.IsUnexpectedEof);
        Assert.Contains("unexpected eof", truncated.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(SslErrorCode.Syscall, tls.SessionEnd?.Error);
        Assert.Equal(-1, tls.SessionEnd?.Ret);
        Assert.True(again.IsUnexpectedEof);
    }

    [Fact]
    public async Task AuthenticateAsClientAsync_SharedSessionCache_ResumesTheLastSession()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev", "-tls1_2");
        var cache = new BrokerTlsSessionCache();
        var key = new BrokerTlsSessionKey(channel.Target, string.Empty, "localhost");
        await using (var first = await ConnectAsync(server, "localhost", cache))
        {
            Assert.False(first.SessionInfo.Resumed);
        }

        Assert.True(cache.TryGetToken(key, out var firstToken));
        await using var second = await ConnectAsync(server, "localhost", cache);
        await second.WriteAsync(Encoding.ASCII.GetBytes("resumed\n")).AsTask().WaitAsync(TestTimeouts.Step);

        Assert.True(second.SessionInfo.Resumed);
        Assert.Equal("demuser", await LoopbackIo.ReadLineAsync(second));
        Assert.NotEmpty(firstToken);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task AuthenticateAsClientAsync_CacheHoldsATokenForAnotherServerName_FullHandshake()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev", "-tls1_2");
        var cache = new BrokerTlsSessionCache();
        await using (await ConnectAsync(server, "localhost", cache))
        {
        }

        await using var other = await ConnectAsync(server, "127.0.0.1", cache);

        Assert.False(other.SessionInfo.Resumed);
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public async Task ConnectAsync_Established_ReportsTheServersChainAndVersion()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev", "-tls1_3");
        await using var tls = await ConnectAsync(server, "localhost");

        var version = await OpenSslOracle.ServerReportAsync(server, "Protocol version:");
        var cipher = await OpenSslOracle.IanaCipherNameAsync(await OpenSslOracle.ServerReportAsync(server, "Ciphersuite:"));
        Assert.Equal(version, tls.SessionInfo.ProtocolVersion);
        Assert.Equal(cipher, tls.SessionInfo.CipherSuite);
        Assert.Equal(cipher, tls.CipherSuiteName);
        Assert.Equal(cipher, tls.NegotiatedCipherSuite.ToString());
        Assert.Equal(SslProtocols.Tls13, tls.SslProtocol);
        Assert.Equal(fixture.Chain.Leaf.Certificate.Thumbprint, tls.RemoteCertificate?.Thumbprint);
        Assert.True(tls.IsAuthenticated && tls.IsEncrypted && tls.IsSigned);
        Assert.False(tls.IsServer);
        Assert.Equal("localhost", tls.TargetHost);
        Assert.NotEmpty(tls.SessionInfo.SessionId);
        Assert.Equal(
            [fixture.Chain.Leaf.Certificate.Thumbprint, fixture.Chain.Intermediate.Certificate.Thumbprint],
            tls.SessionInfo.PeerCertificates.Select(c => c.Thumbprint));
        Assert.Equal(2, tls.SessionInfo.PeerCertificates.Count);

        // Loaded once, on first use: every later look sees the same objects.
        Assert.Same(tls.SessionInfo.PeerCertificates[1], tls.SessionInfo.PeerCertificates.Skip(1).Single());
        Assert.True(tls.SessionInfo.Verify.IsOk);
        Assert.Null(tls.SessionInfo.Alpn);
        Assert.Equal(default, tls.NegotiatedApplicationProtocol);
        Assert.False(tls.SessionInfo.Resumed);
    }

    [Fact]
    public async Task ReadAndWrite_ConcurrentReaderAndWriter_EveryLineComesBackInOrder()
    {
        const int lineCount = 200;
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev");
        await using var tls = await ConnectAsync(server, "localhost");
        var lines = Enumerable.Range(0, lineCount).Select(i => $"line {i:D4} " + new string('x', i % 50)).ToArray();

        var writer = Task.Run(async () =>
        {
            foreach (var line in lines)
            {
                await tls.WriteAsync(Encoding.ASCII.GetBytes(line + "\n"));
            }
        });
        var received = new List<string>();
        using (var reader = new StreamReader(tls, Encoding.ASCII, detectEncodingFromByteOrderMarks: false, bufferSize: 1024, leaveOpen: true))
        {
            while (received.Count < lineCount)
            {
                received.Add(await reader.ReadLineAsync().WaitAsync(TestTimeouts.Step) ?? throw new EndOfStreamException(string.Join('\n', received)));
            }
        }

        await writer.WaitAsync(TestTimeouts.Step);
        Assert.Equal(lines.Select(l => new string(l.Reverse().ToArray())), received);
    }

    [Fact]
    public async Task ReadAndWrite_SynchronousCalls_RoundTrip()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev");
        await using var tls = await ConnectAsync(server, "localhost");

        var reply = await Task.Run(() =>
        {
            tls.Write(Encoding.ASCII.GetBytes("sync\n"));
            var buffer = new byte[5];
            var count = 0;
            while (count < buffer.Length)
            {
                count += tls.Read(buffer, count, buffer.Length - count);
            }

            return Encoding.ASCII.GetString(buffer);
        }).WaitAsync(TestTimeouts.Step);

        Assert.Equal("cnys\n", reply);
    }

    [Fact]
    public async Task FlushAsync_ManySmallWritesBeforeAnyRead_EveryLineReachesTheServerInOrder()
    {
        // Small writes gather while the broker encrypts earlier ones; none may be lost, split or
        // reordered on the way, and Flush returns only once all of them are on the transport.
        const int lineCount = 3000;
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev");
        await using var tls = await ConnectAsync(server, "localhost");
        var lines = Enumerable.Range(0, lineCount).Select(i => $"{i:D5}" + new string((char)('a' + (i % 26)), i % 40)).ToArray();

        foreach (var line in lines)
        {
            await tls.WriteAsync(Encoding.ASCII.GetBytes(line + "\n")).AsTask().WaitAsync(TestTimeouts.Step);
        }

        await tls.FlushAsync().WaitAsync(TestTimeouts.Step);
        var received = new List<string>();
        using (var reader = new StreamReader(tls, Encoding.ASCII, detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true))
        {
            while (received.Count < lineCount)
            {
                received.Add(await reader.ReadLineAsync().WaitAsync(TestTimeouts.Step) ?? throw new EndOfStreamException($"{received.Count} lines"));
            }
        }

        Assert.Equal(lines.Select(l => new string(l.Reverse().ToArray())), received);
    }

    [Fact]
    public async Task FlushAsync_ServerGoneWhileWriting_ThrowsIOException()
    {
        var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev");
        await using var tls = await ConnectAsync(server, "localhost");
        await server.DisposeAsync();
        var chunk = new byte[16 * 1024];

        // Writes return before their records are on the transport; the failure to send them must
        // still reach the writer, from a later write or at the latest from Flush.
        var failure = await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            for (var i = 0; i < 256; i++)
            {
                await tls.WriteAsync(chunk).AsTask().WaitAsync(TestTimeouts.Step);
            }

            await tls.FlushAsync().WaitAsync(TestTimeouts.Step);
        });

        Assert.IsNotType<BrokerTlsException>(failure);
        Assert.Null(tls.SessionEnd);
    }

    [Fact]
    public async Task AuthenticateAsClientAsync_HostnameMismatch_ThrowsCertificateExceptionWithTheWholeResult()
    {
        const string wrongName = "wrong.example";
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev");
        var expectedVerify = await OpenSslVerify.RunAsync(fixture.Chain, wrongName);
        await using var tls = new BrokerTlsStream(new NetworkStream(await LoopbackIo.ConnectSocketAsync(server.Port), ownsSocket: true));

        var failure = await Assert.ThrowsAsync<BrokerTlsCertificateException>(() =>
            tls.AuthenticateAsClientAsync(Options(wrongName)).WaitAsync(TestTimeouts.Step));

        Assert.Equal(expectedVerify.Code, failure.Verify.Code);
        Assert.Equal(0, failure.Verify.Depth);
        Assert.IsAssignableFrom<AuthenticationException>(failure);
        Assert.Equal(failure.Alert, failure.Result.Alert);
        Assert.Contains(failure.Verify.Name, failure.Message, StringComparison.Ordinal);
        Assert.False(tls.IsAuthenticated);
        Assert.Equal(-1, failure.Result.Ret);
        Assert.Equal(SslErrorCode.Ssl, failure.Result.Error);
        Assert.Equal("SSL_ERROR_SSL", failure.Result.ErrorName);
        Assert.True(failure.Result.Alert?.Sent, "the broker should have sent the alert");
        Assert.NotEmpty(failure.Result.Reason);
    }

    [Fact]
    public async Task AuthenticateAsClientAsync_UnknownPolicy_ThrowsAccessDenied()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev");
        await using var tls = new BrokerTlsStream(new NetworkStream(await LoopbackIo.ConnectSocketAsync(server.Port), ownsSocket: true));
        var options = Options("localhost");
        options.Policy = "no-such-policy";

        var failure = await Assert.ThrowsAsync<BrokerAccessDeniedException>(() => tls.AuthenticateAsClientAsync(options).WaitAsync(TestTimeouts.Step));

        Assert.Equal(StatusCode.PermissionDenied, failure.StatusCode);
        Assert.Contains("no-such-policy", failure.Detail, StringComparison.Ordinal);
        Assert.IsType<RpcException>(failure.InnerException);
    }

    [Fact]
    public async Task AuthenticateAsClientAsync_NothingListensAtTheBroker_ThrowsBrokerUnavailable()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev");
        await using var closedPort = ClosedPort.Reserve();
        using var nowhere = GrpcChannel.ForAddress($"http://127.0.0.1:{closedPort.Port}");
        await using var tls = new BrokerTlsStream(new NetworkStream(await LoopbackIo.ConnectSocketAsync(server.Port), ownsSocket: true));
        var options = Options("localhost");
        options.Broker = nowhere;

        var failure = await Assert.ThrowsAsync<BrokerUnavailableException>(() => tls.AuthenticateAsClientAsync(options).WaitAsync(TestTimeouts.Step));

        Assert.Equal(nowhere.Target, failure.Broker);
        Assert.Contains(nowhere.Target, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAndWrite_BrokerWithSmallMessageLimit_RequestsStayBelowIt()
    {
        // 4 KiB messages: a client that gathered writes or received bytes into 64 KiB requests
        // would be cut off with RESOURCE_EXHAUSTED; one that honours SessionInfo.max_message_bytes
        // gets every line back.
        const int lineCount = 300;
        await using var broker = await InProcessBroker.StartAsync(fixture.Chain.RootPath, "Broker:MaxMessageBytes=4096");
        using var smallChannel = GrpcChannel.ForAddress(broker.Address);
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev");
        await using var tls = new BrokerTlsStream(new NetworkStream(await LoopbackIo.ConnectSocketAsync(server.Port), ownsSocket: true));
        var options = Options("localhost");
        options.Broker = smallChannel;
        await tls.AuthenticateAsClientAsync(options).WaitAsync(TestTimeouts.Step);
        var lines = Enumerable.Range(0, lineCount).Select(_ => Convert.ToHexString(RandomNumberGenerator.GetBytes(500))).ToArray();

        var writer = Task.Run(async () =>
        {
            await tls.WriteAsync(Encoding.ASCII.GetBytes(string.Concat(lines.Select(line => line + "\n"))));
            await tls.FlushAsync();
        });
        var received = new List<string>();
        using (var reader = new StreamReader(tls, Encoding.ASCII, detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true))
        {
            while (received.Count < lineCount)
            {
                received.Add(await reader.ReadLineAsync().WaitAsync(TestTimeouts.Step) ?? throw new EndOfStreamException($"{received.Count} lines"));
            }
        }

        await writer.WaitAsync(TestTimeouts.Step);
        Assert.Equal(lines.Select(l => new string(l.Reverse().ToArray())), received);
    }

    [Fact]
    public async Task AuthenticateAsClientAsync_ApiKey_SentAsBearerAuthorization()
    {
        const string apiKey = "test-key-1234";
        var seen = new HeaderRecorder(new SocketsHttpHandler());
        using var recordingChannel = GrpcChannel.ForAddress(fixture.BrokerAddress, new GrpcChannelOptions { HttpHandler = seen });
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev");
        await using var tls = new BrokerTlsStream(new NetworkStream(await LoopbackIo.ConnectSocketAsync(server.Port), ownsSocket: true));
        var options = Options("localhost");
        options.Broker = recordingChannel;
        options.ApiKey = apiKey;

        await tls.AuthenticateAsClientAsync(options).WaitAsync(TestTimeouts.Step);

        Assert.Equal([$"Bearer {apiKey}"], seen.Authorization);
        Assert.DoesNotContain(apiKey, tls.ToString() ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_BeforeAuthentication_ThrowsInvalidOperation()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev");
        await using var tls = new BrokerTlsStream(new NetworkStream(await LoopbackIo.ConnectSocketAsync(server.Port), ownsSocket: true));

        await Assert.ThrowsAsync<InvalidOperationException>(() => tls.ReadAsync(new byte[1]).AsTask());
        await Assert.ThrowsAsync<InvalidOperationException>(() => tls.WriteAsync(new byte[1]).AsTask());
        Assert.False(tls.IsAuthenticated);
        Assert.Equal(SslProtocols.None, tls.SslProtocol);
    }

    public void Dispose() => channel.Dispose();

    private Task<BrokerTlsStream> ConnectAsync(OpenSslServer server, string serverName, BrokerTlsSessionCache? cache = null)
    {
        var options = Options(serverName);
        options.SessionCache = cache;
        return BrokerTlsConnections.ConnectAsync(server.Port, options);
    }

    private BrokerTlsClientOptions Options(string serverName) => new() { TargetHost = serverName, Broker = channel, Timeout = TestTimeouts.Step };

    /// <summary>Records the authorization headers of the HTTP/2 requests the channel makes, then lets them through to the broker.</summary>
    private sealed class HeaderRecorder(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public List<string> Authorization { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Headers.TryGetValues("authorization", out var values))
            {
                Authorization.AddRange(values);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

}
