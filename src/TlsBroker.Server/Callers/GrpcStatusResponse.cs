using System.Globalization;
using Grpc.Core;

namespace TlsBroker.Server.Callers;

/// <summary>
/// Ends a gRPC request before it reaches the service with a Trailers-Only response (gRPC over
/// HTTP/2, PROTOCOL-HTTP2.md: HTTP 200, content-type application/grpc, grpc-status and the
/// percent-encoded grpc-message in the one HEADERS frame), so that clients see a status and a
/// message rather than a bare HTTP error.
/// </summary>
internal static class GrpcStatusResponse
{
    public static Task WriteAsync(HttpContext context, StatusCode code, string message)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)code).ToString(CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(message);
        return Task.CompletedTask;
    }
}
