using TlsBroker.Server.Service;

namespace TlsBroker.Server.Hosting;

public static class BrokerEndpointRouteBuilderExtensions
{
    /// <summary>Maps tlsbroker.v1.BrokerService, grpc.health.v1.Health and gRPC server reflection.</summary>
    public static IEndpointRouteBuilder MapTlsBroker(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<ConnectService>();
        endpoints.MapGrpcHealthChecksService();
        endpoints.MapGrpcReflectionService();
        return endpoints;
    }
}
