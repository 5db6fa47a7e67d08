using Grpc.Core;

namespace TlsBroker.Server.Mapping;

/// <summary>An error status the broker chose, with the reason it is counted under (<see cref="RejectionReason"/>).</summary>
internal sealed class BrokerRejection(StatusCode code, string detail, string reason) : RpcException(new Status(code, detail))
{
    public string Reason { get; } = reason;
}
