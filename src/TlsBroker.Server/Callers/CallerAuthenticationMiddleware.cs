using System.Net.Http.Headers;
using Grpc.Core;
using TlsBroker.Contracts.V1;
using TlsBroker.Server.Logging;
using TlsBroker.Server.Mapping;
using TlsBroker.Server.Telemetry;

namespace TlsBroker.Server.Callers;

/// <summary>
/// Names the caller of every BrokerService call (health and reflection stay open, for probes):
/// by <c>authorization: Bearer &lt;API key&gt;</c>, else by the verified client certificate of
/// the HTTPS connection. When no callers are configured every call is <see cref="Caller.Anonymous"/>.
/// A call that proves nothing ends here with UNAUTHENTICATED and a reason that never repeats the key.
/// </summary>
internal sealed class CallerAuthenticationMiddleware(RequestDelegate next, CallerDirectory callers, BrokerMetrics metrics, ILoggerFactory loggerFactory)
{
    private static readonly PathString ServicePath = "/" + BrokerService.Descriptor.FullName;

    private readonly ILogger logger = loggerFactory.CreateLogger(CallerLog.Category);

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(ServicePath))
        {
            await next(context);
            return;
        }

        var table = callers.Current;
        var (caller, rejection) = table.IsOpen ? (Caller.Anonymous, null) : await AuthenticateAsync(table, context);
        if (caller is null)
        {
            CallerLog.CallUnauthenticated(logger, context.Connection.RemoteIpAddress?.ToString() ?? "unknown", rejection!);
            metrics.CallRejected(RejectionReason.Auth);
            await GrpcStatusResponse.WriteAsync(context, StatusCode.Unauthenticated, rejection!);
            return;
        }

        context.Features.Set(caller);
        await next(context);
    }

    private static async Task<(Caller? Caller, string? Rejection)> AuthenticateAsync(CallerTable table, HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization;
        if (authorization.Count > 0)
        {
            // RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; the scheme is case-insensitive (RFC 9110 §11.1).
            if (!AuthenticationHeaderValue.TryParse(authorization.ToString(), out var header)
                || !string.Equals(header.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase)
                || string.IsNullOrEmpty(header.Parameter))
            {
                return (null, "the authorization header is not 'Bearer <API key>'");
            }

            return table.FindByApiKey(header.Parameter) is { } byKey ? (byKey, null) : (null, "the API key is not valid");
        }

        if (await context.Connection.GetClientCertificateAsync(context.RequestAborted) is { } certificate)
        {
            var byCertificate = table.FindByCertificate(certificate, out var rejection);
            return (byCertificate, rejection);
        }

        return (null, table.AcceptsClientCertificates
            ? "no credentials: send 'authorization: Bearer <API key>' or a client certificate"
            : "no credentials: send 'authorization: Bearer <API key>'");
    }
}
