using Microsoft.AspNetCore.Http;
using TlsBroker.Contracts.V1;

namespace TlsBroker.Server.Tests.Callers;

/// <summary>An HTTP context for a Connect call as the caller middleware sees it, without a server: path, API key header, a response body.</summary>
internal static class ConnectRequests
{
    private static readonly string ConnectPath = "/" + BrokerService.Descriptor.FullName + "/Connect";

    public static DefaultHttpContext With(string? authorization, IServiceProvider? services = null)
    {
        var context = new DefaultHttpContext();
        if (services is not null)
        {
            context.RequestServices = services;
        }

        context.Request.Path = ConnectPath;
        context.Response.Body = new MemoryStream();
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        return context;
    }
}
