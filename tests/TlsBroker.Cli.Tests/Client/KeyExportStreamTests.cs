using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using TlsBroker.Cli.Tests.Infrastructure;
using TlsBroker.Client;
using TlsBroker.Testing;
using TlsBroker.Testing.Peers;

namespace TlsBroker.Cli.Tests.Client;

/// <summary>
/// Key export: the broker verifies the handshake, hands the keys over, and the client's own record layer then talks
/// to a real <c>openssl s_server</c> or <c>gnutls-serv</c>, which would reject any record sealed with a wrong key,
/// nonce or sequence number.
/// </summary>
[Trait("Category", "Functional")]
public sealed class KeyExportStreamTests(KeyExportBroker fixture) : IClassFixture<KeyExportBroker>, IDisposable
{
    private readonly GrpcChannel channel = GrpcChannel.ForAddress(fixture.BrokerAddress);

    public static TheoryData<string, string, string> OpenSslSuites => new()
    {
        { "-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256" },
        { "-tls1_3", "-ciphersuites", "TLS_AES_256_GCM_SHA384" },
        { "-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256" },
        { "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256" },
        { "-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384" },
        { "-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305" },
    };

    [Theory]
    [MemberData(nameof(OpenSslSuites))]
    public async Task ExportKeys_OpenSslServer_DataBothWaysThenCloseNotifyBothWays(string version, string suiteOption, string suite)
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, version, suiteOption, suite);
        await using var tls = await ConnectAsync(server.Port);

        await tls.WriteAsync(Encoding.ASCII.GetBytes("to-server 1\n")).AsTask().WaitAsync(TestTimeouts.Step);
        await server.WaitForLineAsync("to-server 1");
        await server.TypeAsync("from-server 1");
        var fromServer = await LoopbackIo.ReadLineAsync(tls);
        await tls.ShutdownAsync().WaitAsync(TestTimeouts.Step);

        // s_server answers the client's close_notify with its own (SSL_ERROR_ZERO_RETURN, then do_ssl_shutdown).
        await server.WaitForLineAsync("DONE");
        var afterClose = await tls.ReadAsync(new byte[16]).AsTask().WaitAsync(TestTimeouts.Step);

        Assert.True(tls.KeysExported);
        Assert.Equal(version == "-tls1_3" ? "TLSv1.3" : "TLSv1.2", tls.SessionInfo.ProtocolVersion);
        Assert.Equal(await OpenSslOracle.IanaCipherNameAsync(await NegotiatedByAsync(server)), tls.CipherSuiteName);
        Assert.Equal("from-server 1", fromServer);
        Assert.Equal(0, afterClose);
        Assert.Equal(SslErrorCode.ZeroReturn, tls.SessionEnd?.Error);
    }

    [Theory]
    [InlineData("-tls1_3")]
    [InlineData("-tls1_2")]
    public async Task ReadAsync_ServerSendsCloseNotify_ReturnsZeroWithZeroReturn(string version)
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev", version);
        await using var tls = await ConnectAsync(server.Port);

        await tls.WriteAsync(Encoding.ASCII.GetBytes("hello\n")).AsTask().WaitAsync(TestTimeouts.Step);
        var reply = await LoopbackIo.ReadLineAsync(tls);

        // s_server -rev answers "CLOSE" with SSL_shutdown: its close_notify.
        await tls.WriteAsync(Encoding.ASCII.GetBytes("CLOSE\n")).AsTask().WaitAsync(TestTimeouts.Step);
        var afterClose = await tls.ReadAsync(new byte[16]).AsTask().WaitAsync(TestTimeouts.Step);
        var write = await Assert.ThrowsAsync<IOException>(() => tls.WriteAsync(Encoding.ASCII.GetBytes("late\n")).AsTask().WaitAsync(TestTimeouts.Step));

        Assert.True(tls.KeysExported);
        Assert.Equal("olleh", reply);
        Assert.Equal(0, afterClose);
        Assert.Equal(SslErrorCode.ZeroReturn, tls.SessionEnd?.Error);
        Assert.Contains("SSL_ERROR_ZERO_RETURN", write.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TLS_AES_128_GCM_SHA256")]
    [InlineData("TLS_CHACHA20_POLY1305_SHA256")]
    public async Task ReadAsync_ServerKeyUpdateRequested_BothDirectionsMoveToTheNextKeys(string suite)
    {
        // No NewSessionTicket: the only record after the handshake is the KeyUpdate the test waits for.
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-tls1_3", "-ciphersuites", suite, "-num_tickets", "0", "-msg");
        var socket = await LoopbackIo.ConnectSocketAsync(server.Port);
        var observed = new ObservedStream(new NetworkStream(socket, ownsSocket: true));
        await using var tls = await BrokerTlsConnections.AuthenticateAsync(observed, Options());
        await tls.WriteAsync(Encoding.ASCII.GetBytes("to-server before\n")).AsTask().WaitAsync(TestTimeouts.Step);
        await server.WaitForLineAsync("to-server before");

        // "K" must be alone in s_server's console read: the next line is typed once the KeyUpdate it causes has arrived.
        var line = LoopbackIo.ReadLineAsync(tls);
        var before = observed.BytesRead;
        await server.TypeAsync("K");
        await observed.WaitForBytesReadBeyondAsync(before);
        await server.TypeAsync("from-server after");
        var fromServer = await line;
        await tls.WriteAsync(Encoding.ASCII.GetBytes("to-server after\n")).AsTask().WaitAsync(TestTimeouts.Step);
        await server.WaitForLineAsync("to-server after");

        // -msg: s_server prints each handshake message it reads ("<<< TLS 1.3, Handshake [length 0005], KeyUpdate").
        var keyUpdatesReceived = server.Output.Split('\n').Count(l => l.StartsWith("<<<", StringComparison.Ordinal) && l.Contains("KeyUpdate", StringComparison.Ordinal));

        Assert.True(tls.KeysExported);
        Assert.Equal("from-server after", fromServer);
        Assert.Equal(1, keyUpdatesReceived);
    }

    [Theory]
    [InlineData("NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM")]
    [InlineData("NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305")]
    [InlineData("NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-256-GCM")]
    [InlineData("NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+CHACHA20-POLY1305")]
    public async Task ExportKeys_GnuTlsEchoServer_DataComesBackThenCloseNotify(string priority)
    {
        await using var server = await GnuTlsServer.StartAsync(fixture.Chain, priority);
        await using var tls = await ConnectAsync(server.Port);
        var payload = Encoding.ASCII.GetBytes(new string('e', 40_000) + "\n");

        var reader = LoopbackIo.ReadLineAsync(tls);
        await tls.WriteAsync(payload).AsTask().WaitAsync(TestTimeouts.Step);
        var echoed = await reader;
        await tls.ShutdownAsync().WaitAsync(TestTimeouts.Step);
        var afterClose = await tls.ReadAsync(new byte[16]).AsTask().WaitAsync(TestTimeouts.Step);

        Assert.True(tls.KeysExported);
        Assert.Equal(payload.Length - 1, echoed.Length);
        Assert.Equal(0, afterClose);
        Assert.Equal(SslErrorCode.ZeroReturn, tls.SessionEnd?.Error);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(6)]
    public async Task AuthenticateAsClientAsync_ServerSpeaksFirst_HandshakeReadEndsInsideARecord_RestGivenToTheBrokerThenKeysExported(int intoRecord)
    {
        // At TLS 1.2 the server's Finished ends the handshake, and s_server writes a line typed before the client
        // connects right after it; the stream makes the handshake's last read end inside that record: in its header
        // (2), or 1 byte into its body (6).
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256");
        await server.TypeAsync("from-server first");
        var split = new SplitFirstDataRecordStream(new NetworkStream(await LoopbackIo.ConnectSocketAsync(server.Port), ownsSocket: true), intoRecord);
        await using var tls = await BrokerTlsConnections.AuthenticateAsync(split, Options());

        var fromServer = await LoopbackIo.ReadLineAsync(tls);
        await tls.WriteAsync(Encoding.ASCII.GetBytes("to-server\n")).AsTask().WaitAsync(TestTimeouts.Step);
        await server.WaitForLineAsync("to-server");

        Assert.True(split.Split, "no read ended inside the server's first data record: the test proved nothing");
        Assert.True(tls.KeysExported);
        Assert.Equal("from-server first", fromServer);
    }

    [Fact]
    public async Task AuthenticateAsClientAsync_RestOfTheRecordTampered_NotExportedAndReadThrowsBadRecordMac()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256");
        await server.TypeAsync("from-server first");
        var split = new SplitFirstDataRecordStream(new NetworkStream(await LoopbackIo.ConnectSocketAsync(server.Port), ownsSocket: true), 6, SplitFirstDataRecordStream.Then.Tamper);
        await using var tls = await BrokerTlsConnections.AuthenticateAsync(split, Options());

        var read = await Assert.ThrowsAsync<BrokerTlsException>(() => tls.ReadAsync(new byte[64]).AsTask().WaitAsync(TestTimeouts.Step));

        Assert.True(split.Split, "no read ended inside the server's first data record: the test proved nothing");
        Assert.False(tls.KeysExported);
        Assert.Equal(SslErrorCode.Ssl, read.Result.Error);
        Assert.Equal("bad_record_mac", read.Result.Alert?.Name);
        Assert.True(read.Result.Alert?.Sent);
    }

    [Fact]
    public async Task AuthenticateAsClientAsync_TransportEndsInsideTheRecord_NotExportedAndReadThrowsUnexpectedEof()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256");
        await server.TypeAsync("from-server first");
        var split = new SplitFirstDataRecordStream(new NetworkStream(await LoopbackIo.ConnectSocketAsync(server.Port), ownsSocket: true), 6, SplitFirstDataRecordStream.Then.EndOfStream);
        await using var tls = await BrokerTlsConnections.AuthenticateAsync(split, Options());

        var read = await Assert.ThrowsAsync<BrokerTlsException>(() => tls.ReadAsync(new byte[64]).AsTask().WaitAsync(TestTimeouts.Step));

        Assert.True(split.Split, "no read ended inside the server's first data record: the test proved nothing");
        Assert.False(tls.KeysExported);
        Assert.True(read.IsUnexpectedEof);
    }

    [Fact]
    public async Task AuthenticateAsClientAsync_HandshakeThenRestOfTheRecordSlow_TimeoutBoundsTheWholeAuthentication()
    {
        // Each step fits in the timeout, the sum does not: the handshake's last read (ending inside the server's first
        // data record) comes 4 s after the start, and the rest of that record 10 s after it. One 8 s bound for the whole
        // authentication expires first; a bound per step (handshake, then rest of the record) would let it succeed at
        // 10 s. The margins are seconds wide because the machine running the tests may be loaded.
        var timeout = TimeSpan.FromSeconds(8);
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256");
        await server.TypeAsync("from-server first");
        var split = new SplitFirstDataRecordStream(new NetworkStream(await LoopbackIo.ConnectSocketAsync(server.Port), ownsSocket: true), 6);
        var slow = new DelayedSplitStream(split, splitAt: TimeSpan.FromSeconds(4), restAt: TimeSpan.FromSeconds(10));
        await using var tls = new BrokerTlsStream(slow);
        var options = Options();
        options.Timeout = timeout;

        var clock = Stopwatch.StartNew();
        var failure = await Assert.ThrowsAsync<TimeoutException>(() => tls.AuthenticateAsClientAsync(options).WaitAsync(TestTimeouts.Step));
        clock.Stop();

        Assert.True(slow.Split, "the handshake did not reach its read inside the server's first data record: the test proved nothing");
        Assert.False(tls.IsAuthenticated);
        Assert.Contains("within 8 s", failure.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < timeout + TimeSpan.FromSeconds(4), $"authentication took {clock.Elapsed.TotalSeconds:0.0} s with a {timeout.TotalSeconds} s timeout");
    }

    [Theory]
    [InlineData("noexport", true)]
    [InlineData("default", false)]
    public async Task AuthenticateAsClientAsync_ExportNotGranted_AccessDenied(string policy, bool asApp)
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev");
        var options = Options(policy);
        options.ApiKey = asApp ? fixture.AppKey : fixture.OtherKey;

        await using var tls = new BrokerTlsStream(new NetworkStream(await LoopbackIo.ConnectSocketAsync(server.Port), ownsSocket: true));
        var denied = await Assert.ThrowsAsync<BrokerAccessDeniedException>(() => tls.AuthenticateAsClientAsync(options).WaitAsync(TestTimeouts.Step));

        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Contains("does not grant key export", denied.Message, StringComparison.Ordinal);
        Assert.False(tls.IsAuthenticated);
    }

    [Fact]
    public async Task AuthenticateAsClientAsync_CbcSuite_FailedPrecondition()
    {
        await using var server = await OpenSslServer.StartAsync(fixture.Chain, "-rev", "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256");
        await using var tls = new BrokerTlsStream(new NetworkStream(await LoopbackIo.ConnectSocketAsync(server.Port), ownsSocket: true));

        var refused = await Assert.ThrowsAsync<BrokerException>(() => tls.AuthenticateAsClientAsync(Options("cbc")).WaitAsync(TestTimeouts.Step));

        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 is not exportable", refused.Message, StringComparison.Ordinal);
    }

    public void Dispose() => channel.Dispose();

    private BrokerTlsClientOptions Options(string policy = "default") => new()
    {
        TargetHost = "localhost",
        Broker = channel,
        Policy = policy,
        ApiKey = fixture.AppKey,
        Timeout = TestTimeouts.Step,
        ExportKeysAfterHandshake = true,
    };

    private Task<BrokerTlsStream> ConnectAsync(int port) => BrokerTlsConnections.ConnectAsync(port, Options());

    /// <summary>s_server without -rev reports the suite on a "CIPHER is NAME" line, OpenSSL's name.</summary>
    private static async Task<string> NegotiatedByAsync(OpenSslServer server)
    {
        const string Label = "CIPHER is ";
        await server.WaitForOutputAsync(Label);
        return server.Output.Split('\n').First(line => line.StartsWith(Label, StringComparison.Ordinal))[Label.Length..].Trim();
    }
}
