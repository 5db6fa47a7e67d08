using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using TlsBroker.Bench.Server;
using TlsBroker.Testing;

namespace TlsBroker.Cli.Tests.Bench;

/// <summary>bench-server against real clients: OpenSSL's s_client verifying with the printed root, and SslStream running the transfer protocol.</summary>
[Trait("Category", "Functional")]
public sealed class BenchServerTests : IAsyncLifetime
{
    private readonly BenchCertificateChain chain = BenchCertificateChain.Create();
    private readonly string rootPath = Path.Combine(Path.GetTempPath(), $"tlsbroker-bench-root-{Guid.NewGuid():N}.pem");
    private BenchServer server = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(rootPath, chain.RootPem());
        server = BenchServer.Start(0, chain);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        chain.Dispose();
        File.Delete(rootPath);
    }

    [Theory]
    [InlineData("-tls1_3", "TLSv1.3")]
    [InlineData("-tls1_2", "TLSv1.2")]
    public async Task BenchServer_OpenSslClient_VerifiesChainAndNameWithRoot(string versionFlag, string protocol)
    {
        var (exitCode, output) = await OpenSslCommand.RunAsync(
        [
            "s_client", "-connect", $"127.0.0.1:{server.Port}", "-servername", "localhost", versionFlag,
            "-CAfile", rootPath, "-verify_return_error", "-verify_hostname", "localhost",
        ]);

        Assert.True(exitCode == 0, output);
        Assert.Contains("Verify return code: 0 (ok)", output, StringComparison.Ordinal);
        Assert.Contains($"New, {protocol}, Cipher is", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchServer_Download_SendsLengthThenCloseNotify()
    {
        const int length = 100_000;
        await using var tls = await ConnectAsync();

        await tls.WriteAsync(BenchRequest.Transfer(BenchRequest.Download, length));
        var received = 0L;
        var buffer = new byte[BenchRequest.ChunkBytes];
        int read;
        while ((read = await tls.ReadAsync(buffer).AsTask().WaitAsync(TestTimeouts.Step)) > 0)
        {
            received += read;
        }

        Assert.Equal(length, received);
    }

    [Fact]
    public async Task BenchServer_Upload_RepliesOneByteAfterAllData()
    {
        const int length = 70_000;
        await using var tls = await ConnectAsync();

        await tls.WriteAsync(BenchRequest.Transfer(BenchRequest.Upload, length));
        await tls.WriteAsync(new byte[length]);
        var reply = new byte[2];
        var read = await tls.ReadAsync(reply).AsTask().WaitAsync(TestTimeouts.Step);

        Assert.Equal(1, read);
        Assert.Equal(BenchRequest.UploadDone, reply[0]);
    }

    [Fact]
    public async Task BenchServer_Echo_ReturnsEveryByte()
    {
        await using var tls = await ConnectAsync();

        await tls.WriteAsync(new[] { BenchRequest.Echo, (byte)'a', (byte)'b' });
        var echoed = new byte[2];
        await tls.ReadExactlyAsync(echoed).AsTask().WaitAsync(TestTimeouts.Step);

        Assert.Equal("ab"u8.ToArray(), echoed);
    }

    private async Task<SslStream> ConnectAsync()
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, server.Port).WaitAsync(TestTimeouts.Step);
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: true));
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(chain.Root);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = SslProtocols.Tls13,
            CertificateChainPolicy = policy,
        }).WaitAsync(TestTimeouts.Step);
        return tls;
    }
}
