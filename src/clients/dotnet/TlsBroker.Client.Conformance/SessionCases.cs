using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace TlsBroker.Client.Conformance;

/// <summary>The cases about an established session: its data, how it ends, and HttpClient.</summary>
internal static class SessionCases
{
    private const int RoundTripBytes = 16 * 1024 * 1024;

    public static async Task<string> CloseNotifyAsync(CaseContext context, CancellationToken cancellationToken)
    {
        var nginx = context.Peers.Nginx;
        await using var tls = await CaseContext.ConnectAsync(nginx, context.Options(nginx), cancellationToken);
        var (head, body) = await CaseContext.GetAsync(tls, nginx, nginx.HelloPath!, cancellationToken);

        Expect.True(head.StartsWith("HTTP/1.1 200", StringComparison.Ordinal), $"status line {head.Split('\r')[0]}");
        Expect.Equal(nginx.HelloBody, Encoding.UTF8.GetString(body), "body");
        Expect.Equal(SslErrorCode.ZeroReturn, tls.SessionEnd?.Error, "how the session ended");
        return $"{body.Length} bytes, then {tls.SessionEnd!.ErrorName}";
    }

    public static async Task<string> NoCloseNotifyAsync(CaseContext context, CancellationToken cancellationToken)
    {
        var peer = context.Peers.CloseWithoutNotify;
        await using var tls = await CaseContext.ConnectAsync(peer, context.Options(peer), cancellationToken);
        using var received = new MemoryStream();
        var buffer = new byte[4096];
        var failure = await Expect.ThrowsAsync<BrokerTlsException>(
            async () =>
            {
                int count;
                while ((count = await tls.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    received.Write(buffer, 0, count);
                }
            },
            "reading until the server closed TCP");

        Expect.Equal(peer.Greeting, Encoding.UTF8.GetString(received.ToArray()), "greeting");
        Expect.True(failure.IsUnexpectedEof, $"not an unexpected EOF: {failure.Message}");
        return failure.Message;
    }

    public static async Task<string> ClientClosesFirstAsync(CaseContext context, CancellationToken cancellationToken)
    {
        var echo = context.Peers.Echo;
        var tls = await CaseContext.ConnectAsync(echo, context.Options(echo), cancellationToken);
        var ping = "ping\n"u8.ToArray();
        await tls.WriteAsync(ping, cancellationToken);
        var pong = new byte[ping.Length];
        await tls.ReadExactlyAsync(pong, cancellationToken);
        Expect.True(pong.AsSpan().SequenceEqual(ping), "echo");

        await tls.ShutdownAsync(cancellationToken);
        var writeAfterShutdown = await Expect.ThrowsAsync<IOException>(
            () => tls.WriteAsync(ping, cancellationToken).AsTask(), "write after close_notify");
        await tls.DisposeAsync();
        await Expect.ThrowsAsync<ObjectDisposedException>(() => tls.ReadAsync(pong, cancellationToken).AsTask(), "read after close");
        return $"ShutdownAsync and DisposeAsync returned; then write: {writeAfterShutdown.Message}; read: ObjectDisposedException";
    }

    public static async Task<string> RoundTrip16MAsync(CaseContext context, CancellationToken cancellationToken)
    {
        var echo = context.Peers.Echo;
        await using var tls = await CaseContext.ConnectAsync(echo, context.Options(echo), cancellationToken);
        var sent = RandomNumberGenerator.GetBytes(RoundTripBytes);
        var clock = Stopwatch.StartNew();
        var writer = Task.Run(
            async () =>
            {
                for (var offset = 0; offset < sent.Length; offset += 64 * 1024)
                {
                    await tls.WriteAsync(sent.AsMemory(offset, 64 * 1024), cancellationToken);
                }

                await tls.FlushAsync(cancellationToken);
            },
            cancellationToken);
        var received = new byte[RoundTripBytes];
        await tls.ReadExactlyAsync(received, cancellationToken);
        await writer;

        Expect.True(SHA256.HashData(sent).AsSpan().SequenceEqual(SHA256.HashData(received)), "SHA-256 of the echo differs");
        return $"16 MiB echoed in {clock.Elapsed.TotalSeconds:0.00} s, SHA-256 {Convert.ToHexStringLower(SHA256.HashData(received))[..16]}...";
    }

    public static async Task<string> BrokerStoppedAsync(CaseContext context, CancellationToken cancellationToken)
    {
        var nginx = context.Peers.Nginx;
        await using var tls = await CaseContext.ConnectAsync(nginx, context.Options(nginx, context.DoomedBroker), cancellationToken);

        // The request is on its way before the broker dies, so the server's answer arrives and the
        // read must take it to the broker, rather than wait for a server with nothing to say.
        await tls.WriteAsync(Encoding.ASCII.GetBytes($"GET {nginx.HelloPath} HTTP/1.1\r\nHost: {nginx.ServerName}\r\nConnection: close\r\n\r\n"), cancellationToken);
        await tls.FlushAsync(cancellationToken);
        using (var doomed = Process.GetProcessById(context.Environment.DoomedBroker.Pid ?? throw new CaseFailedException("doomedBroker has no pid")))
        {
            doomed.Kill();
            await doomed.WaitForExitAsync(cancellationToken);
        }

        var clock = Stopwatch.StartNew();
        var failure = await Expect.ThrowsAsync<BrokerUnavailableException>(
            async () =>
            {
                var buffer = new byte[4096];
                while (await tls.ReadAsync(buffer, cancellationToken) > 0)
                {
                }
            },
            "reading after the broker was killed");
        return $"{failure.Message} after {clock.Elapsed.TotalSeconds:0.00} s";
    }

    public static async Task<string> HttpsFetchAsync(CaseContext context, CancellationToken cancellationToken)
    {
        var nginx = context.Peers.Nginx;
        var options = new BrokerTlsHttpOptions { Broker = context.Broker, Policy = context.Environment.Policies.Default };
        using var http = new HttpClient(new BrokerTlsHttpHandler(options));
        using var response = await http.GetAsync(new Uri($"https://{nginx.ServerName}:{nginx.Port}{nginx.HelloPath}"), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);

        Expect.Equal(HttpStatusCode.OK, response.StatusCode, "status");
        Expect.Equal(nginx.HelloBody, body, "body");
        return $"{(int)response.StatusCode} {body.Length} bytes from {response.RequestMessage?.RequestUri}";
    }
}
