using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace TlsBroker.Server.Hosting;

/// <summary>
/// The broker's Kestrel endpoints: gRPC (h2c only) and, unless turned off, the HTTP/1.1 admin
/// port. Kestrel writes the bound port back into each endpoint when it binds, so once the host
/// has started these are the real addresses, even where port 0 was configured.
/// </summary>
internal sealed class BrokerListeners
{
    private ListenOptions? grpc;
    private ListenOptions? admin;

    /// <summary>Where gRPC callers connect, e.g. http://127.0.0.1:5001/.</summary>
    public Uri GrpcAddress => ToUri(grpc?.IPEndPoint ?? throw new InvalidOperationException("Kestrel has not configured the broker's gRPC endpoint yet"));

    /// <summary>Where /metrics and /healthz are served, e.g. http://127.0.0.1:5002/; null when the admin port is off.</summary>
    public Uri? AdminAddress => admin?.IPEndPoint is { } endPoint ? ToUri(endPoint) : null;

    public void ListenGrpc(KestrelServerOptions kestrel, IPAddress address, int port) =>
        kestrel.Listen(address, port, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
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

    private static Uri ToUri(IPEndPoint endPoint) => new UriBuilder(Uri.UriSchemeHttp, endPoint.Address.ToString(), endPoint.Port).Uri;
}
