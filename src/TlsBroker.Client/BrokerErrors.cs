using Grpc.Core;

namespace TlsBroker.Client;

/// <summary>
/// Turns the gRPC failures of a <c>Connect</c> call into this library's exceptions, in one place:
/// the caller learns which part failed (the broker is unreachable, refused access, timed out, or
/// refused the request) without reading gRPC status codes.
/// </summary>
internal static class BrokerErrors
{
    /// <summary>Returns the library's exception for <paramref name="failure"/>, or <paramref name="failure"/> itself when it is not a gRPC failure.</summary>
    public static Exception FromCallFailure(Exception failure, string broker)
    {
        if (failure is not RpcException rpc)
        {
            return failure;
        }

        var detail = rpc.Status.Detail;
        return rpc.StatusCode switch
        {
            StatusCode.Unavailable => new BrokerUnavailableException(broker, detail, rpc),

            // grpc-dotnet reports a connection that broke mid-call (the broker process died) as
            // Internal or Unknown with the transport's exception inside.
            StatusCode.Internal or StatusCode.Unknown when IsTransportFailure(rpc) => new BrokerUnavailableException(broker, detail, rpc),
            StatusCode.PermissionDenied or StatusCode.Unauthenticated => new BrokerAccessDeniedException(broker, rpc.StatusCode, detail, rpc),
            StatusCode.DeadlineExceeded => new TimeoutException($"the broker at {broker} ended the session at its deadline: {detail}", rpc),
            StatusCode.Cancelled => new OperationCanceledException($"the call to the broker at {broker} was cancelled", rpc),
            _ => new BrokerException(broker, rpc.StatusCode, detail, rpc),
        };
    }

    /// <summary>
    /// The exception for a failure of reading or writing the call itself: grpc-dotnet reports most
    /// as <see cref="RpcException"/>, but a write or read on a connection that broke (the broker
    /// process died) can also throw the HTTP/2 stream's own <see cref="IOException"/>.
    /// </summary>
    public static Exception FromCallIo(Exception failure, string broker) => failure switch
    {
        RpcException => FromCallFailure(failure, broker),
        BrokerException => failure,
        IOException or HttpRequestException => new BrokerUnavailableException(broker, failure.Message, failure),
        _ => failure,
    };

    private static bool IsTransportFailure(RpcException rpc)
    {
        for (var inner = rpc.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpRequestException or IOException or System.Net.Sockets.SocketException)
            {
                return true;
            }
        }

        return false;
    }
}
