using Grpc.Core;

namespace TlsBroker.Client;

internal static class Cancellation
{
    /// <summary>
    /// Grpc.Net.Client reports a cancelled call as <see cref="RpcException"/> with status
    /// Cancelled unless the channel asks for <see cref="OperationCanceledException"/>; both mean
    /// the same thing here.
    /// </summary>
    public static bool IsCancellation(Exception e) =>
        e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled };
}
