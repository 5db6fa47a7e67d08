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

    /// <summary>
    /// Only a client certificate needs an await. An open table or an API key is decided here and the call goes on as the
    /// next middleware's own task, so that a Connect stream, which lasts as long as its session, is not wrapped in an async
    /// frame of this middleware for all that time.
    /// </summary>
    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(ServicePath))
        {
            return next(context);
        }

        var table = callers.Current;
        if (table.IsOpen)
        {
            return Admit(context, Caller.Anonymous);
        }

        var authorization = context.Request.Headers.Authorization;
        if (authorization.Count > 0)
        {
            var (caller, rejection) = ByApiKey(table, authorization.ToString());
            return caller is null ? RejectAsync(context, rejection!) : Admit(context, caller);
        }

        return ByCertificateAsync(table, context);
    }

    private static (Caller? Caller, string? Rejection) ByApiKey(CallerTable table, string authorization)
    {
        // RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; the scheme is case-insensitive (RFC 9110 §11.1).
        if (!AuthenticationHeaderValue.TryParse(authorization, out var header)
            || !string.Equals(header.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase)
            || string.IsNullOrEmpty(header.Parameter))
        {
            return (null, "the authorization header is not 'Bearer <API key>'");
        }

        return table.FindByApiKey(header.Parameter) is { } byKey ? (byKey, null) : (null, "the API key is not valid");
    }

    private async Task ByCertificateAsync(CallerTable table, HttpContext context)
    {
        if (await context.Connection.GetClientCertificateAsync(context.RequestAborted) is not { } certificate)
        {
            await RejectAsync(context, table.AcceptsClientCertificates
                ? "no credentials: send 'authorization: Bearer <API key>' or a client certificate"
                : "no credentials: send 'authorization: Bearer <API key>'");
            return;
        }

        if (table.FindByCertificate(certificate, out var rejection) is not { } caller)
        {
            await RejectAsync(context, rejection!);
            return;
        }

        await Admit(context, caller);
    }

    private Task Admit(HttpContext context, Caller caller)
    {
        context.Features.Set(caller);
        return next(context);
    }

    private Task RejectAsync(HttpContext context, string rejection)
    {
        CallerLog.CallUnauthenticated(logger, context.Connection.RemoteIpAddress?.ToString() ?? "unknown", rejection);
        metrics.CallRejected(RejectionReason.Auth);
        return GrpcStatusResponse.WriteAsync(context, StatusCode.Unauthenticated, rejection);
    }
}
