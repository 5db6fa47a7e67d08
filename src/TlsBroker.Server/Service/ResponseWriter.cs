using Grpc.Core;
using TlsBroker.Contracts.V1;
using TlsBroker.Server.Mapping;

namespace TlsBroker.Server.Service;

/// <summary>
/// Writes a call's responses. A caller that stops reading blocks the write (HTTP/2 flow control) and
/// would hold its session forever: each write gets the idle timeout, then the session ends with DEADLINE_EXCEEDED.
/// </summary>
internal sealed class ResponseWriter(IServerStreamWriter<ConnectResponse> responses, ReadTimeout timeout, TimeProvider timeProvider)
{
    public async Task WriteAsync(ConnectResponse response, TimeSpan idleTimeout)
    {
        var deadline = timeProvider.GetUtcNow() + idleTimeout;
        var cancelled = timeout.Arm(idleTimeout);
        try
        {
            await responses.WriteAsync(response, cancelled);
            timeout.Disarm();
        }
        catch (Exception e) when (e is not RpcException && timeProvider.GetUtcNow() >= deadline)
        {
            // By the clock, not by ReadTimeout.Expired: gRPC may abort the whole call when it cancels a
            // write, and the write then fails with whatever the aborted call gives.
            throw BrokerErrors.ResponsesNotRead(idleTimeout);
        }
    }
}
