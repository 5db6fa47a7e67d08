using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TlsBroker.Conformance.Tests.Infrastructure;
using TlsBroker.Core.Engine;
using TlsBroker.Core.Policy;
using TlsBroker.Core.Results;
using TlsBroker.Testing;

namespace TlsBroker.Conformance.Tests;

/// <summary>
/// Every promise of tests/conformance/README.md's environment file, checked against the running
/// environment with tools other than the clients under test: openssl s_client, .NET's SslStream and
/// HttpClient, and the broker's own TLS engine where a clean EOF must be told from an unexpected one.
/// </summary>
[Collection(ConformanceHostCollection.Name)]
[Trait("Category", "Functional")]
public sealed class EnvironmentPeersTests(ConformanceHostFixture host) : IClassFixture<ConformanceHostFixture>
{
    private readonly EnvironmentFile environment = host.Environment;

    [Fact]
    public void EnvironmentFile_ComparedWithReadmeExample_HasEveryFieldWithTheSameKind()
    {
        using var example = JsonDocument.Parse(ReadmeExample());
        var problems = new List<string>();
        CompareShape(example.RootElement, environment.Root, "$", problems);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", File.ReadAllText(environment.CaFile), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("broker")]
    [InlineData("doomedBroker")]
    public async Task Broker_HealthCheck_Serving(string broker)
    {
        using var http = new HttpClient();
        var url = environment.Root.GetProperty(broker).GetProperty("url").GetString()!;

        // grpc.health.v1.Health/Check with an empty HealthCheckRequest: one uncompressed gRPC frame of length 0.
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url + "/grpc.health.v1.Health/Check"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(new byte[5]),
        };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.TE.Add(new("trailers"));
        using var response = await http.SendAsync(request).WaitAsync(TestTimeouts.Step);
        var body = await response.Content.ReadAsByteArrayAsync().WaitAsync(TestTimeouts.Step);

        // HealthCheckResponse { status = SERVING (1) }: field 1, varint 1; a failed call has no message at all.
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.Version} {response.StatusCode} {response.Headers} {System.Text.Encoding.UTF8.GetString(body)}");
        Assert.Equal([0, 0, 0, 0, 2, 0x08, 0x01], body);
    }

    [Fact]
    public void DoomedBroker_Pid_IsTheRunningBroker()
    {
        var pid = environment.Root.GetProperty("doomedBroker").GetProperty("pid").GetInt32();
        using var process = Process.GetProcessById(pid);
        Assert.False(process.HasExited);
        Assert.Contains("TlsBroker.Server.dll", File.ReadAllText($"/proc/{pid}/cmdline"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableBroker_Connect_Refused()
    {
        var (address, port) = environment.Target("unreachableBroker");
        using var tcp = new TcpClient();
        var refused = await Assert.ThrowsAsync<SocketException>(() => tcp.ConnectAsync(address, port).WaitAsync(TestTimeouts.Step));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task Nginx_HandshakeAndGetHello_ExpectedVersionAlpnAndBody()
    {
        var alpn = environment.Peer("nginx").GetProperty("offerAlpn").EnumerateArray().Select(name => name.GetString()!).ToList();
        await using var tls = await PeerClients.ConnectAsync(environment, "nginx", alpn);
        var request = $"GET {environment.Text("nginx", "helloPath")} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
        await tls.WriteAsync(Encoding.ASCII.GetBytes(request)).AsTask().WaitAsync(TestTimeouts.Step);
        using var response = new MemoryStream();
        await tls.CopyToAsync(response).WaitAsync(TestTimeouts.Step);
        var text = Encoding.UTF8.GetString(response.ToArray());

        Assert.Equal(environment.Text("nginx", "expectVersion"), tls.SslProtocol == SslProtocols.Tls13 ? "TLSv1.3" : tls.SslProtocol.ToString());
        Assert.Equal(environment.Text("nginx", "expectAlpn"), tls.NegotiatedApplicationProtocol.ToString());
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n" + environment.Text("nginx", "helloBody"), text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nginx_GetBig_SizeAndSha256AsAnnounced()
    {
        using var handler = new SocketsHttpHandler { SslOptions = { CertificateChainPolicy = PeerClients.TrustOnly(environment.CaFile) } };
        using var http = new HttpClient(handler) { Timeout = TestTimeouts.Scenario };
        var url = $"https://{environment.Text("nginx", "serverName")}:{environment.Port("nginx")}{environment.Text("nginx", "bigPath")}";
        await using var body = await http.GetStreamAsync(new Uri(url)).WaitAsync(TestTimeouts.Step);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1024 * 1024];
        long size = 0;
        int read;
        while ((read = await body.ReadAsync(buffer).AsTask().WaitAsync(TestTimeouts.Step)) > 0)
        {
            size += read;
            sha256.AppendData(buffer, 0, read);
        }

        Assert.Equal(environment.Peer("nginx").GetProperty("bigSize").GetInt64(), size);
        Assert.Equal(environment.Text("nginx", "bigSha256"), Convert.ToHexStringLower(sha256.GetHashAndReset()));
    }

    [Fact]
    public async Task Nginx_SecondConnectionWithTheFirstsSession_Resumed()
    {
        var session = Path.Combine(Path.GetDirectoryName(host.EnvironmentPath)!, "selftest-session.pem");
        var request = $"GET {environment.Text("nginx", "helloPath")} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

        // -ign_eof: read the answer (and the TLS 1.3 tickets before it) instead of quitting at the end of stdin.
        var first = await PeerClients.OpenSslClientAsync(environment, "nginx", request, "-servername", "localhost", "-ign_eof", "-sess_out", session);
        var second = await PeerClients.OpenSslClientAsync(environment, "nginx", request, "-servername", "localhost", "-ign_eof", "-sess_in", session);

        Assert.Contains("New, TLSv1.3", first.Output, StringComparison.Ordinal);
        Assert.Contains("Reused, TLSv1.3", second.Output, StringComparison.Ordinal);
        Assert.Contains(environment.Text("nginx", "helloBody"), second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Echo_WriteBytes_ReadsThemBack()
    {
        await using var tls = await PeerClients.ConnectAsync(environment, "echo");
        var sent = RandomNumberGenerator.GetBytes(4096);
        await tls.WriteAsync(sent).AsTask().WaitAsync(TestTimeouts.Step);
        var echoed = new byte[sent.Length];
        await tls.ReadExactlyAsync(echoed).AsTask().WaitAsync(TestTimeouts.Step);
        Assert.Equal(sent, echoed);
    }

    [Fact]
    public async Task Sink_DataThenCloseNotify_AnswersCountAndSha256ThenCloseNotify()
    {
        var policy = TlsPolicy.Create("selftest", new TlsPolicyOptions { TrustAnchors = environment.CaFile });
        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(policy, TimeProvider.System), environment.Port("sink"));
        var handshake = await pump.HandshakeAsync(new SessionStart(environment.Text("sink", "serverName"), []));
        Assert.True(handshake.Ret == 1, $"{handshake.Error} {handshake.Reason}");
        var sent = RandomNumberGenerator.GetBytes(100_000);
        await pump.WriteAsync(sent);
        await pump.ShutdownAsync();
        var end = await pump.ReadToEndAsync();

        Assert.Equal(SslError.ZeroReturn, end.Error);
        var expected = string.Create(CultureInfo.InvariantCulture, $"{sent.Length} {Convert.ToHexStringLower(SHA256.HashData(sent))}\n");
        Assert.Equal(expected, Encoding.ASCII.GetString(pump.Received.ToArray()));
    }

    [Fact]
    public async Task Tls12Only_Tls13ClientHello_ExpectedAlert()
    {
        var (_, output) = await PeerClients.OpenSslClientAsync(environment, "tls12Only", string.Empty, "-tls1_3");
        var alertName = environment.Text("tls12Only", "expectAlertName").Replace('_', ' ');
        Assert.Contains($"alert {alertName}", output, StringComparison.Ordinal);
        Assert.Contains($"SSL alert number {environment.Number("tls12Only", "expectAlert")}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongName_VerifiedForServerName_ExpectedVerifyCode()
    {
        var (_, output) = await PeerClients.OpenSslClientAsync(
            environment, "wrongName", string.Empty, "-verify_hostname", environment.Text("wrongName", "serverName"), "-verify_return_error");
        Assert.Contains($"verify error:num={environment.Number("wrongName", "expectVerifyCode")}:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CloseWithoutNotify_ReadToEnd_GreetingThenUnexpectedEof()
    {
        var policy = TlsPolicy.Create("selftest", new TlsPolicyOptions { TrustAnchors = environment.CaFile });
        await using var pump = await EnginePump.ConnectAsync(new TlsClientSession(policy, TimeProvider.System), environment.Port("closeWithoutNotify"));
        var handshake = await pump.HandshakeAsync(new SessionStart(environment.Text("closeWithoutNotify", "serverName"), []));
        Assert.True(handshake.Ret == 1, $"{handshake.Error} {handshake.Reason}");
        var end = await pump.ReadToEndAsync();
        var (_, output) = await PeerClients.OpenSslClientAsync(environment, "closeWithoutNotify", string.Empty, "-ign_eof");

        Assert.Equal(SslError.Syscall, end.Error);
        Assert.Equal(environment.Text("closeWithoutNotify", "greeting"), Encoding.UTF8.GetString(pump.Received.ToArray()));
        Assert.Contains("unexpected eof while reading", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silent_AfterConnectAndClientHello_SendsNothing()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(environment.Text("silent", "host"), environment.Port("silent")).WaitAsync(TestTimeouts.Step);
        var stream = tcp.GetStream();
        var policy = TlsPolicy.Create("selftest", new TlsPolicyOptions { TrustAnchors = environment.CaFile });
        using var session = new TlsClientSession(policy, TimeProvider.System);
        await stream.WriteAsync(session.Start(new SessionStart("localhost", [])).RecordsToSend).AsTask().WaitAsync(TestTimeouts.Step);

        // What a handshake timeout sees: a second of nothing, neither a byte nor the end of the stream.
        using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream.ReadAsync(new byte[1], quiet.Token).AsTask());
    }

    /// <summary>The example environment file in tests/conformance/README.md: the contract the generated one must keep.</summary>
    private static string ReadmeExample()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "tests", "conformance", "README.md")))
        {
            folder = folder.Parent;
        }

        Assert.NotNull(folder);
        var readme = File.ReadAllText(Path.Combine(folder.FullName, "tests", "conformance", "README.md"));
        var start = readme.IndexOf("```json\n", StringComparison.Ordinal) + "```json\n".Length;
        return readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
    }

    private static void CompareShape(JsonElement expected, JsonElement actual, string path, List<string> problems)
    {
        if (expected.ValueKind != actual.ValueKind)
        {
            problems.Add($"{path}: {actual.ValueKind}, README has {expected.ValueKind}");
            return;
        }

        if (expected.ValueKind == JsonValueKind.Object)
        {
            var names = actual.EnumerateObject().Select(property => property.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var property in expected.EnumerateObject())
            {
                if (actual.TryGetProperty(property.Name, out var value))
                {
                    CompareShape(property.Value, value, $"{path}.{property.Name}", problems);
                }
                else
                {
                    problems.Add($"{path}.{property.Name}: missing");
                }

                names.Remove(property.Name);
            }

            problems.AddRange(names.Select(name => $"{path}.{name}: not in README"));
        }
    }
}
