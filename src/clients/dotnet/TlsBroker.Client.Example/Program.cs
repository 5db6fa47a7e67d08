using System.Net.Security;
using System.Net.Sockets;
using Grpc.Net.Client;
using TlsBroker.Client;

// Fetches an https:// page through a TlsBroker, twice: with HttpClient, then with the stream itself.
//   dotnet run --project src/clients/dotnet/TlsBroker.Client.Example -- http://127.0.0.1:5001 https://example.com/
if (args.Length != 2 || !Uri.TryCreate(args[0], UriKind.Absolute, out var broker) || !Uri.TryCreate(args[1], UriKind.Absolute, out var page))
{
    Console.Error.WriteLine("usage: example BROKER_URL HTTPS_URL");
    return 2;
}

try
{
    // 1. HttpClient: two lines.
    using var http = new HttpClient(new BrokerTlsHttpHandler(new() { BrokerAddress = broker }));
    Console.WriteLine(await http.GetStringAsync(page));

    // 2. The stream, as SslStream: your socket, the broker's TLS.
    using var channel = GrpcChannel.ForAddress(broker);
    using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
    await socket.ConnectAsync(page.Host, page.Port);
    await using var tls = new BrokerTlsStream(new NetworkStream(socket, ownsSocket: true));
    await tls.AuthenticateAsClientAsync(new BrokerTlsClientOptions
    {
        TargetHost = page.IdnHost,
        ApplicationProtocols = [SslApplicationProtocol.Http11],
        Broker = channel,
    });
    Console.WriteLine($"{tls.SslProtocol} {tls.CipherSuiteName} alpn={tls.NegotiatedApplicationProtocol} server={tls.RemoteCertificate?.Subject} session={tls.SessionInfo.SessionId}");

    await tls.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"HEAD {page.PathAndQuery} HTTP/1.1\r\nHost: {page.Authority}\r\nConnection: close\r\n\r\n"));
    await tls.CopyToAsync(Console.OpenStandardOutput());
    return 0;
}
catch (HttpRequestException e) when (e.InnerException is { } cause)
{
    Console.Error.WriteLine($"{cause.GetType().Name}: {cause.Message}");
    return 1;
}
catch (Exception e) when (e is BrokerTlsAuthenticationException or BrokerException or TimeoutException)
{
    // BrokerTlsCertificateException carries the X509_V_* code; BrokerUnavailableException says the broker is down.
    Console.Error.WriteLine($"{e.GetType().Name}: {e.Message}");
    return 1;
}
