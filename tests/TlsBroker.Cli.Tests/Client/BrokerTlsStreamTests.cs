using System.Net;
using System.Net.Sockets;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using TlsBroker.Cli.Tests.Infrastructure;
using TlsBroker.Client;
using TlsBroker.Contracts.V1;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;
using TlsBroker.Testing.Pki;

namespace TlsBroker.Cli.Tests.Client;

/// <summary>The client library through a real broker against a real <c>openssl s_server -rev</c>.</summary>
public sealed class BrokerTlsStreamTests(BrokerWithTestChain fixture) : IClassFixture<BrokerWithTestChain>, IDisposable
{
    private readonly GrpcChannel channel = GrpcChannel.ForAddress(fixture.BrokerAddress);

    [Fact]
    public async Task ReadAsync_CloseNotifyFromServer_ReturnsDataThenZeroWithZeroReturn()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev");
        await using var tls = await ConnectAsync(server, "localhost");

        await tls.WriteAsync(Encoding.ASCII.GetBytes("hello\n")).AsTask().WaitAsync(TestTimeouts.Step);
        var reply = await ReadLineAsync(tls);
        await tls.WriteAsync(Encoding.ASCII.GetBytes("CLOSE\n")).AsTask().WaitAsync(TestTimeouts.Step);
        var afterClose = await tls.ReadAsync(new byte[16]).AsTask().WaitAsync(TestTimeouts.Step);

        Assert.Equal("olleh", reply);
        Assert.Equal(0, afterClose);
        Assert.Equal(SslError.ZeroReturn, tls.SessionEnd?.Error);
        Assert.Equal(0, tls.SessionEnd?.Ret);
        Assert.False(tls.IsUnexpectedEof);
    }

    [Fact]
    public async Task ReadAsync_ServerKilled_ReturnsZeroAndRecordsUnexpectedEof()
    {
        var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev");
        await using var tls = await ConnectAsync(server, "localhost");
        await tls.WriteAsync(Encoding.ASCII.GetBytes("hello\n")).AsTask().WaitAsync(TestTimeouts.Step);
        Assert.Equal("olleh", await ReadLineAsync(tls));

        await server.DisposeAsync();
        var afterKill = await tls.ReadAsync(new byte[16]).AsTask().WaitAsync(TestTimeouts.Step);

        Assert.Equal(0, afterKill);
        Assert.True(tls.IsUnexpectedEof);
        Assert.Equal(SslError.Syscall, tls.SessionEnd?.Error);
        Assert.Equal(-1, tls.SessionEnd?.Ret);
    }

    [Fact]
    public async Task ConnectAsync_TokenOfTheLastSession_ResumesIt()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev", "-tls1_2");
        byte[]? token;
        await using (var first = await ConnectAsync(server, "localhost"))
        {
            token = first.ResumptionToken;
            Assert.False(first.SessionInfo.Resumed);
        }

        await using var second = await ConnectAsync(server, "localhost", token);
        await second.WriteAsync(Encoding.ASCII.GetBytes("resumed\n")).AsTask().WaitAsync(TestTimeouts.Step);

        Assert.NotNull(token);
        Assert.True(second.SessionInfo.Resumed);
        Assert.Equal("demuser", await ReadLineAsync(second));
        Assert.NotNull(second.ResumptionToken);
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
        Assert.Equal(
            [fixture.Chain.Leaf.Certificate.Thumbprint, fixture.Chain.Intermediate.Certificate.Thumbprint],
            tls.SessionInfo.PeerCertificates.Select(c => c.Thumbprint));
        Assert.Equal(2, tls.SessionInfo.PeerCertificates.Count);

        // Loaded once, on first use: every later look sees the same objects.
        Assert.Same(tls.SessionInfo.PeerCertificates[1], tls.SessionInfo.PeerCertificates.Skip(1).Single());
        Assert.True(tls.SessionInfo.Verify.IsOk);
        Assert.Null(tls.SessionInfo.Alpn);
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
    public async Task ConnectAsync_HostnameMismatch_ThrowsWithTheWholeResult()
    {
        const string wrongName = "wrong.example";
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev");
        var expectedVerify = (await OpenSslVerify.RunAsync(fixture.Chain, wrongName)).Code;
        using var socket = await ConnectSocketAsync(server);

        var failure = await Assert.ThrowsAsync<BrokerTlsException>(() =>
            new BrokerTlsClient(channel).ConnectAsync(new NetworkStream(socket), Options(wrongName)).WaitAsync(TestTimeouts.Step));

        Assert.Equal(-1, failure.Result.Ret);
        Assert.Equal(SslError.Ssl, failure.Result.Error);
        Assert.Equal("SSL_ERROR_SSL", failure.Result.ErrorName);
        Assert.Equal(expectedVerify, failure.Result.Verify.Code);
        Assert.True(failure.Result.Alert?.Sent, "the broker should have sent the alert");
        Assert.NotEmpty(failure.Result.Reason);
    }

    [Fact]
    public async Task ConnectAsync_UnknownPolicy_SurfacesTheBrokersStatus()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev");
        using var socket = await ConnectSocketAsync(server);
        var options = new BrokerTlsOptions { ServerName = "localhost", Policy = "no-such-policy", Timeout = TestTimeouts.Step };

        var failure = await Assert.ThrowsAsync<RpcException>(() =>
            new BrokerTlsClient(channel).ConnectAsync(new NetworkStream(socket), options).WaitAsync(TestTimeouts.Step));

        Assert.NotEqual(StatusCode.OK, failure.StatusCode);
        Assert.Contains("no-such-policy", failure.Status.Detail, StringComparison.Ordinal);
    }

    public void Dispose() => channel.Dispose();

    private async Task<BrokerTlsStream> ConnectAsync(OpenSslServer server, string serverName, byte[]? resumptionToken = null)
    {
        var socket = await ConnectSocketAsync(server);
        var options = new BrokerTlsOptions { ServerName = serverName, Timeout = TestTimeouts.Step, ResumptionToken = resumptionToken };
        return await new BrokerTlsClient(channel).ConnectAsync(new NetworkStream(socket, ownsSocket: true), options)
            .WaitAsync(TestTimeouts.Step);
    }

    private static BrokerTlsOptions Options(string serverName) => new() { ServerName = serverName, Timeout = TestTimeouts.Step };

    private static async Task<Socket> ConnectSocketAsync(OpenSslServer server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port)).WaitAsync(TestTimeouts.Step);
        return socket;
    }

    private static async Task<string> ReadLineAsync(Stream stream)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (await stream.ReadAsync(one).AsTask().WaitAsync(TestTimeouts.Step) == 1 && one[0] != '\n')
        {
            line.Append((char)one[0]);
        }

        return line.ToString();
    }
}
