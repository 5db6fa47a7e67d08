using System.Net;
using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using TlsBroker.Server.Configuration;

namespace TlsBroker.Server.Hosting;

/// <summary>
/// The broker's Kestrel endpoints: gRPC (h2c, or HTTPS with <see cref="BrokerOptions.Tls"/>) and,
/// unless turned off, the HTTP/1.1 admin port. Kestrel writes the bound port back into each
/// endpoint when it binds, so once the host has started these are the real addresses, even where
/// port 0 was configured.
/// </summary>
internal sealed class BrokerListeners
{
    private ListenOptions? grpc;
    private ListenOptions? admin;
    private bool grpcHttps;

    /// <summary>Where gRPC callers connect, e.g. http://127.0.0.1:5001/ (https:// with TLS).</summary>
    public Uri GrpcAddress => ToUri(
        grpcHttps ? Uri.UriSchemeHttps : Uri.UriSchemeHttp,
        grpc?.IPEndPoint ?? throw new InvalidOperationException("Kestrel has not configured the broker's gRPC endpoint yet"));

    /// <summary>"h2c" or "HTTPS", for the start-up line.</summary>
    public string GrpcTransport => grpcHttps ? "HTTPS" : "h2c";

    /// <summary>Where /metrics and /healthz are served, e.g. http://127.0.0.1:5002/; null when the admin port is off.</summary>
    public Uri? AdminAddress => admin?.IPEndPoint is { } endPoint ? ToUri(Uri.UriSchemeHttp, endPoint) : null;

    /// <summary>
    /// HTTP/2 only; with TLS, HTTP/2 is chosen by ALPN (RFC 7540 §3.3) and TLS 1.2 is the least
    /// version (RFC 7540 §9.2). Client certificates are asked for, not required, so API-key callers
    /// connect too, and any certificate passes the handshake: it is verified against the configured
    /// CAs per call, where an untrusted one can be answered with UNAUTHENTICATED and a reason.
    /// </summary>
    public void ListenGrpc(KestrelServerOptions kestrel, IPAddress address, int port, ListenerTlsOptions tls) =>
        kestrel.Listen(address, port, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            if (tls.IsEnabled && ListenerCertificate.TryLoad(tls, out _) is { } loaded)
            {
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = loaded.Certificate;

                    // RFC 8446 §4.4.2: the server sends its chain, the intermediates after the leaf.
                    https.ServerCertificateChain = loaded.Intermediates;
                    https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
                    if (!string.IsNullOrEmpty(tls.ClientCaFile))
                    {
                        https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                        https.ClientCertificateValidation = (_, _, _) => true;
                    }
                });
                grpcHttps = true;
            }

            grpc = listen;
        });

    /// <summary>
    /// HTTP/1.1 only: Prometheus and most probes scrape over HTTP/1.1, which the h2c gRPC port
    /// cannot speak (without TLS there is no ALPN to choose between the two).
    /// </summary>
    public void ListenAdmin(KestrelServerOptions kestrel, IPAddress address, int port) =>
        kestrel.Listen(address, port, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            admin = listen;
        });

    /// <summary>Whether a request came in on the admin port (the only place admin endpoints answer).</summary>
    public bool IsAdminConnection(HttpContext context) =>
        admin?.IPEndPoint is { } endPoint && context.Connection.LocalPort == endPoint.Port;

    private static Uri ToUri(string scheme, IPEndPoint endPoint) => new UriBuilder(scheme, endPoint.Address.ToString(), endPoint.Port).Uri;
}
